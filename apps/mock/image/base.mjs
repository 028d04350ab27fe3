// The base image the Containerfile is built on where no container registry can be reached (our
// development and CI machines): a Debian root filesystem made by mmdebstrap from Debian's mirror,
// plus Node and npm from the npm registry (`node-linux-<arch>` ships the official Node binary).
// It has what the official Node images give the Containerfile: `node` and `npm` on PATH, the
// usual Debian userland, and a `node` user with uid 1000.
//
// Made once per content: its tag is a hash of this file and of everything it is made from, so a
// second build reuses it, and any change to its recipe makes a new one.
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  appendFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { imageExists, run } from "./run.mjs";

export const NODE_VERSION = "20.20.2";
// The npm that Node 20.20 ships with.
export const NPM_VERSION = "10.8.2";
export const DEBIAN_SUITE = "bookworm";
export const BASE_REPOSITORY = "localhost/mizan-mock-base";
const PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The Debian mirror this machine's apt uses (DEBIAN_MIRROR overrides it). */
export function debianMirror() {
  if (process.env.DEBIAN_MIRROR) return process.env.DEBIAN_MIRROR;
  const texts = [];
  for (const dir of ["/etc/apt/sources.list.d"]) {
    if (existsSync(dir))
      for (const file of readdirSync(dir).filter((f) => /\.(list|sources)$/.test(f)))
        texts.push(readFileSync(path.join(dir, file), "utf8"));
  }
  if (existsSync("/etc/apt/sources.list")) texts.push(readFileSync("/etc/apt/sources.list", "utf8"));
  for (const text of texts) {
    // deb822 ("URIs: http://…/debian") or one-line ("deb http://…/debian bookworm main") entries.
    for (const match of text.matchAll(/^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(https?:\/\/\S+\/debian)\/?(?:\s|$)/gm))
      return match[1];
  }
  return "http://deb.debian.org/debian";
}

function nodeArch() {
  const arch = { x64: "x64", arm64: "arm64" }[process.arch];
  if (!arch) throw new Error(`no Node package for ${process.arch} in the npm registry's node-linux-* family`);
  return arch;
}

/** The name the base gets: the same inputs give the same name, so it is made once. */
export function baseImageName() {
  const hash = createHash("sha256");
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(JSON.stringify([NODE_VERSION, NPM_VERSION, DEBIAN_SUITE, debianMirror(), nodeArch()]));
  return `${BASE_REPOSITORY}:${hash.digest("hex").slice(0, 16)}`;
}

/** The local base image's name, made first when buildah does not have it. */
export async function localBaseImage({ log = console.log } = {}) {
  const name = baseImageName();
  if (await imageExists(name)) {
    log(`mock image: base ${name} (made before, reused)`);
    return name;
  }
  log(
    `mock image: making the base ${name} (Debian ${DEBIAN_SUITE} from ${debianMirror()}, Node ${NODE_VERSION}); once per recipe`,
  );
  const work = mkdtempSync(path.join(tmpdir(), "mizan-mock-base-"));
  const container = (await run("buildah", ["from", "scratch"])).trim();
  try {
    const root = (await run("buildah", ["mount", container])).trim();
    await run(
      "mmdebstrap",
      [
        "--mode=root",
        // Essential packages only (no apt: nothing is installed later), plus Node's C++ runtime.
        "--variant=essential",
        "--include=libstdc++6",
        "--dpkgopt=path-exclude=/usr/share/doc/*",
        "--dpkgopt=path-include=/usr/share/doc/*/copyright",
        "--dpkgopt=path-exclude=/usr/share/man/*",
        "--dpkgopt=path-exclude=/usr/share/locale/*",
        "--dpkgopt=path-exclude=/usr/share/info/*",
        DEBIAN_SUITE,
        root,
        debianMirror(),
      ],
      { echo: true },
    );

    const arch = nodeArch();
    await run(
      "npm",
      ["pack", "--silent", `node-linux-${arch}@${NODE_VERSION}`, `npm@${NPM_VERSION}`, "--pack-destination", work],
      { cwd: work },
    );
    const unpack = async (tarball, into) => {
      mkdirSync(into, { recursive: true });
      await run("tar", ["-xzf", path.join(work, tarball), "-C", into, "--strip-components=1", "--no-same-owner"]);
    };
    await unpack(`node-linux-${arch}-${NODE_VERSION}.tgz`, path.join(work, "node"));
    copyFileSync(path.join(work, "node", "bin", "node"), path.join(root, "usr/local/bin/node"));
    chmodSync(path.join(root, "usr/local/bin/node"), 0o755);
    // npm laid out as the official images have it.
    await unpack(`npm-${NPM_VERSION}.tgz`, path.join(root, "usr/local/lib/node_modules/npm"));
    symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(root, "usr/local/bin/npm"));
    symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", path.join(root, "usr/local/bin/npx"));

    // The official images' unprivileged user.
    appendFileSync(path.join(root, "etc/passwd"), "node:x:1000:1000::/home/node:/bin/bash\n");
    appendFileSync(path.join(root, "etc/group"), "node:x:1000:\n");
    if (existsSync(path.join(root, "etc/shadow")))
      appendFileSync(path.join(root, "etc/shadow"), "node:*:19000:0:99999:7:::\n");
    mkdirSync(path.join(root, "home/node"), { recursive: true });
    chownSync(path.join(root, "home/node"), 1000, 1000);

    await run("buildah", ["umount", container]);
    await run("buildah", [
      "config",
      "--env",
      `PATH=${PATH_ENV}`,
      "--env",
      `NODE_VERSION=${NODE_VERSION}`,
      "--cmd",
      "node",
      "--label",
      "org.opencontainers.image.description=Debian and Node for building the mizan mock image offline",
      container,
    ]);
    await run("buildah", ["commit", "--quiet", "--rm", container, name]);
  } catch (error) {
    await run("buildah", ["rm", container]).catch(() => {});
    throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // Earlier recipes' bases are of no more use.
  const names = (await run("buildah", ["images", "--format", "{{.Name}}:{{.Tag}}", BASE_REPOSITORY]).catch(() => ""))
    .split("\n")
    .filter(Boolean);
  for (const old of names.filter((n) => n !== name)) await run("buildah", ["rmi", old]).catch(() => {});
  return name;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  console.log(await localBaseImage());
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
