// `npm run mock:image`: builds the mock's container image, localhost/mizan-mock:dev, with buildah
// from apps/mock/Containerfile. The build context holds only the packed tarballs of @mizan/mock
// and of the workspace packages it depends on, packed by package name with pnpm (which turns
// `workspace:` ranges into versions), so the image gets exactly what npm users get.
//
// BASE_IMAGE=<image> builds on that image (an official Node image, say); without it, on the
// base made here from Debian's and the npm registry's packages (base.mjs), made once.
// Options: --tag <name> (default localhost/mizan-mock:dev), --pack-only <dir> (write the build
// context, for a `docker build`, and stop).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { localBaseImage } from "./base.mjs";
import { run, which } from "./run.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const containerfile = path.join(here, "..", "Containerfile");
const repoRoot = path.resolve(here, "..", "..", "..");
const pnpm = path.join(repoRoot, "scripts", "pnpm.mjs");
export const MOCK_PACKAGE = "@mizan/mock";
export const DEFAULT_TAG = "localhost/mizan-mock:dev";

/** The packed manifest of a tarball. */
function packedManifest(tarball) {
  return JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
}

/**
 * Packs `MOCK_PACKAGE` and, by name, every workspace package among its run-time dependencies
 * (and theirs) into `dest`/packs. Returns the tarballs' paths.
 */
export async function packMock(dest) {
  const packs = path.join(dest, "packs");
  mkdirSync(packs, { recursive: true });
  const workspace = new Set(
    JSON.parse(await run(process.execPath, [pnpm, "ls", "-r", "--depth", "-1", "--json"], { cwd: repoRoot })).map(
      (p) => p.name,
    ),
  );
  const tarballs = [];
  const queue = [MOCK_PACKAGE];
  const seen = new Set(queue);
  while (queue.length) {
    const name = queue.shift();
    const before = new Set(readdirSync(packs));
    await run(process.execPath, [pnpm, "--filter", name, "pack", "--pack-destination", packs], { cwd: repoRoot });
    const made = readdirSync(packs).filter((file) => !before.has(file));
    if (made.length !== 1) throw new Error(`packing ${name} made ${made.length} tarballs`);
    const tarball = path.join(packs, made[0]);
    tarballs.push(tarball);
    const manifest = packedManifest(tarball);
    if (JSON.stringify(manifest).includes("workspace:"))
      throw new Error(`${name}'s packed manifest still has a workspace: range`);
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (workspace.has(dep) && !seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return tarballs;
}

/**
 * The CA bundle this machine's npm trusts beyond Node's own (NODE_EXTRA_CA_CERTS, or npm's
 * `cafile`), lent to the build's npm install as a build secret: machines behind a TLS-inspecting
 * proxy reach the registry only with it. It is not copied into the image.
 */
function npmCaFile() {
  const candidates = [process.env.NODE_EXTRA_CA_CERTS];
  try {
    candidates.push(execFileSync("npm", ["config", "get", "cafile"], { encoding: "utf8", cwd: tmpdir() }).trim());
  } catch {
    // no npm config: nothing to lend
  }
  return candidates.find((file) => file && file !== "null" && file !== "undefined" && existsSync(file));
}

/** Builds the image; resolves with its name and the base it was built on. */
export async function buildImage({
  tag = DEFAULT_TAG,
  baseImage = process.env.BASE_IMAGE,
  log = console.log,
  echo = true,
} = {}) {
  if (!which("buildah"))
    throw new Error(
      "buildah is not installed: `npm run setup` installs it (as root, on Debian), or install it from your distribution",
    );
  const base = baseImage || (await localBaseImage({ log }));
  const context = mkdtempSync(path.join(tmpdir(), "mizan-mock-image-"));
  try {
    const tarballs = await packMock(context);
    log(`mock image: building ${tag} on ${base} from ${tarballs.map((t) => path.basename(t)).join(", ")}`);
    const ca = npmCaFile();
    await run(
      "buildah",
      [
        "bud",
        // RUN steps without a container runtime (none can start on our CI machines).
        "--isolation",
        "chroot",
        // The Docker format keeps HEALTHCHECK (OCI image configs have no field for it).
        "--format",
        "docker",
        "--build-arg",
        `BASE_IMAGE=${base}`,
        ...(ca ? ["--secret", `id=npm_ca,src=${ca}`] : []),
        "--file",
        containerfile,
        "--tag",
        tag,
        context,
      ],
      { echo },
    );
    return { tag, base };
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { tag: { type: "string", default: DEFAULT_TAG }, "pack-only": { type: "string" } },
  });
  if (values["pack-only"]) {
    const tarballs = await packMock(path.resolve(values["pack-only"]));
    console.log(tarballs.join("\n"));
  } else {
    const started = Date.now();
    const { tag } = await buildImage({ tag: values.tag });
    const size = (await run("buildah", ["images", "--format", "{{.Size}}", tag])).trim();
    console.log(`mock image: ${tag} built in ${((Date.now() - started) / 1000).toFixed(0)} s, ${size}`);
    console.log(`Run it with podman or docker: run -p 4010:4010 ${tag} --api daftra --stateful`);
  }
}
