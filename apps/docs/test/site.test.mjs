// The built site as files: self-contained, telemetry off, every operation and assumption in it,
// the landing page's figures, and relative links between the pages.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listApis, readBundle } from "@mizan/spec";
import { HTTP_METHODS, operationsOf } from "@mizan/openapi-tools";
import { apiFacts, guideTitles, hasRelease, landingPage, tarballName, textPage } from "../scripts/landing.mjs";
import { prepareForDocs, renderAssumptions } from "../scripts/prepare.mjs";
import { clientFor, clientPackageDir } from "../scripts/samples.mjs";

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");

describe("renderAssumptions", () => {
  it("appends each x-assumption to the description beside it, once", () => {
    const doc = {
      paths: {
        "/a": {
          get: { description: "Reads a.", "x-assumption": "Assumed for a test.", "x-assumption-kind": "override" },
        },
      },
      components: { schemas: { B: { "x-assumption": "No description yet." } } },
    };
    const out = renderAssumptions(renderAssumptions(structuredClone(doc)));
    expect(out.paths["/a"].get.description).toBe(
      "Reads a.\n\n> **Assumption (not confirmed by the vendor), override: the docs say otherwise, and we chose to differ:** Assumed for a test.",
    );
    expect(out.components.schemas.B.description).toMatch(/^> \*\*Assumption.*No description yet\.$/);
  });

  it("leaves the bundle itself untouched", () => {
    const bundle = readBundle("daftra");
    const before = JSON.stringify(bundle);
    prepareForDocs("daftra", bundle, { hasClient: true });
    expect(JSON.stringify(bundle)).toBe(before);
  });
});

describe("landing page", () => {
  const html = readFileSync(path.join(dist, "index.html"), "utf8");

  it.each(listApis().map((api) => [api.name]))("links the %s reference and both bundles", (name) => {
    for (const file of [`${name}.html`, `${name}.json`, `${name}.yaml`]) {
      expect(html).toContain(`href="${file}"`);
      expect(existsSync(path.join(dist, file))).toBe(true);
    }
    expect(html).toContain(readBundle(name).info.title);
  });

  it("loads nothing from another host", () => {
    expect(html).not.toMatch(/<(?:script|link|img)\b[^>]*\b(?:src|href)="https?:\/\//i);
  });
});

describe.each(listApis().map((api) => [api.name, `${api.name}.html`]))("%s reference (%s)", (name, page) => {
  const html = readFileSync(path.join(dist, page), "utf8");
  const doc = readBundle(name);

  it("loads nothing from another host and sends no telemetry", () => {
    expect(html).not.toMatch(/<(?:script|link)\b[^>]*\b(?:src|href)="https?:\/\//i);
    expect(html).toMatch(/"disableTelemetry":\s*true/);
  });

  it("contains every operation of the bundle", () => {
    const missing = operationsOf(doc)
      .map((e) => e.op.operationId)
      .filter((id) => !html.includes(id));
    expect(missing).toEqual([]);
  });

  it("carries a curl sample for every operation", () => {
    const count = operationsOf(doc).length;
    expect(html.match(/curl (?:-g )?-X (GET|POST|PUT|DELETE|PATCH) /g)?.length ?? 0).toBeGreaterThanOrEqual(count);
  });

  it("shows every labelled assumption", () => {
    const count = JSON.stringify(doc).match(/"x-assumption"/g)?.length ?? 0;
    expect(count).toBeGreaterThan(0);
    expect(html.match(/Assumption \(not confirmed by the vendor\)/g)?.length ?? 0).toBeGreaterThanOrEqual(count);
  });

  it("ships the bundle beside the page for download", () => {
    for (const ext of ["json", "yaml"]) expect(existsSync(path.join(dist, `${name}.${ext}`))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dist, `${name}.json`), "utf8"))).toEqual(doc);
  });
});

// The figures of the landing page, recomputed here from each bundle's JSON text rather than with
// the walker the build uses, so a counting mistake in the build shows.
const labelsIn = (value) => JSON.stringify(value ?? {}).match(/"x-assumption":/g)?.length ?? 0;
const withoutOperations = (pathItem) =>
  Object.fromEntries(Object.entries(pathItem).filter(([key]) => !HTTP_METHODS.includes(key)));
const attrOf = (html, name) => html.match(new RegExp(`${name}="([^"]*)"`))?.[1];
const hrefsOf = (html) => [...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1]);
const htmlText = (s) =>
  String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

describe.each(listApis().map((api) => [api.name, api]))("landing page card of %s", (name, _api) => {
  const html = readFileSync(path.join(dist, "index.html"), "utf8");
  const start = html.indexOf(`<article class="api" id="${name}">`);
  const card = html.slice(start, html.indexOf("</article>", start));
  const doc = readBundle(name);
  const operations = operationsOf(doc);

  it("exists", () => {
    expect(start).toBeGreaterThan(0);
  });

  it("shows the version and the operation count of the bundle", () => {
    expect(card).toContain(`<dd class="version">${htmlText(doc.info.version)}</dd>`);
    expect(card).toContain(
      `<dd class="operations">${operations.length.toLocaleString("en-US")} operation${operations.length === 1 ? "" : "s"} in ${doc.tags.length}`,
    );
  });

  it("counts the assumption labels, and the operations that carry one of their own", () => {
    const labels = labelsIn(doc);
    const inPaths = labelsIn(doc.paths);
    const carrying = operations.filter((e) => labelsIn(e.op) + labelsIn(withoutOperations(e.pathItem)) > 0).length;
    expect(labels).toBeGreaterThan(0);
    expect(carrying).toBeGreaterThan(0);
    expect(
      [attrOf(card, "data-labels"), attrOf(card, "data-in-paths"), attrOf(card, "data-operations")].map(Number),
    ).toEqual([labels, inPaths, carrying]);
    const text = card.replace(/<[^>]+>/g, "");
    expect(text).toContain(
      `${operations.length - carrying} operations with no assumption of their own, ${carrying} with at least one.`,
    );
    expect(text).toContain(
      `${labels} x-assumption labels: ${inPaths} on operations, ${labels - inPaths} on shared parts`,
    );
  });

  it("counts the labels per kind (gap, override, inference)", () => {
    const json = JSON.stringify(doc);
    const counted = {};
    for (const kind of ["gap", "override", "inference"]) {
      counted[kind] = json.match(new RegExp(`"x-assumption-kind":"${kind}"`, "g"))?.length ?? 0;
      const item = card.match(new RegExp(`<li class="kind-${kind}" data-kind="${kind}" data-count="(\\d+)">`));
      if (counted[kind] === 0) expect(item).toBeNull();
      else expect(Number(item?.[1])).toBe(counted[kind]);
    }
    expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBe(labelsIn(doc));
  });

  it("gives the mock command, and the client package with its README and changelog", () => {
    // npx runs the scoped package's one bin; an unscoped `mizan-mock` would be anyone's package.
    expect(card).toContain(`<code>npx @mizan/mock --api ${name}</code>`);
    expect(card).not.toMatch(/npx mizan-mock/);
    const dir = clientPackageDir(name);
    if (!dir) {
      expect(card).toMatch(/No typed client yet/);
      return;
    }
    const { packageName } = clientFor(name);
    const changelog = path.join(dir, "CHANGELOG.md");
    if (existsSync(changelog) && hasRelease(readFileSync(changelog, "utf8"))) {
      expect(card).toContain(`<code>npm install ${packageName}</code>`);
      expect(card).not.toMatch(/Not on the npm registry yet/);
    } else {
      // Until the first release the registry has no such package: the card says how to install its tarball.
      expect(card).toMatch(/Not on the npm registry yet/);
      const core = path.dirname(
        createRequire(path.join(dir, "package.json")).resolve("@mizan/client-core/package.json"),
      );
      const tarballs = [dir, core].map(
        (d) => `./${tarballName(JSON.parse(readFileSync(path.join(d, "package.json"), "utf8")))}`,
      );
      expect(card).toContain(`<code>npm install ${tarballs.join(" ")}</code>`);
    }
    for (const [file, page] of [
      ["README.md", `${name}-client.readme.html`],
      ["CHANGELOG.md", `${name}-client.changelog.html`],
    ]) {
      if (existsSync(path.join(dir, file))) {
        expect(card).toContain(`href="${page}"`);
        expect(readFileSync(path.join(dist, page), "utf8")).toContain(
          htmlText(readFileSync(path.join(dir, file), "utf8")),
        );
      } else {
        expect(card).not.toContain(`href="${page}"`);
        expect(existsSync(path.join(dist, page))).toBe(false);
      }
    }
    if (!existsSync(path.join(dir, "CHANGELOG.md")))
      expect(card).toContain(`None yet: the first release of <code>${packageName}</code> writes it.`);
  });
});

describe("links between the site's pages", () => {
  const ownPages = readdirSync(dist).filter((f) => f === "index.html" || /\.(readme|changelog)\.html$/.test(f));

  it.each(ownPages.map((f) => [f]))("%s links only relative paths to files of the site", (page) => {
    const hrefs = hrefsOf(readFileSync(path.join(dist, page), "utf8"));
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.filter((h) => /^(\/|[a-z][a-z0-9+.-]*:)/i.test(h) || h.split("/").includes(".."))).toEqual([]);
    expect(hrefs.filter((h) => !existsSync(path.join(dist, h.split("#")[0])))).toEqual([]);
  });

  it.each(listApis().map((api) => [api.name, api]))(
    "the %s reference links the landing page and its bundles relatively, with TypeScript samples first",
    (name, api) => {
      const html = readFileSync(path.join(dist, `${name}.html`), "utf8");
      expect(html).toContain('<a href="index.html">All API references</a>');
      const options = JSON.parse(html.match(/__redoc_options = (\{.*?\});/)[1]);
      expect(options.downloadUrls.map((d) => d.url)).toEqual([
        path.basename(api.bundle),
        path.basename(api.bundleYaml),
      ]);
      const languages = options.codeSamples.languages.map((l) => l.lang);
      expect(languages).toEqual(clientPackageDir(name) ? ["TypeScript", "curl", "Payload"] : ["curl", "Payload"]);
    },
  );
});

describe("apiFacts", () => {
  const fixture = {
    openapi: "3.1.0",
    info: { title: "Fixture", version: "2.3.4" },
    tags: [{ name: "A" }],
    paths: {
      "/a": {
        parameters: [
          { name: "x", in: "query", schema: { type: "string" }, "x-assumption": "Shared by the path's operations." },
        ],
        get: { responses: {} },
        post: { responses: {} },
      },
      "/b": {
        get: {
          "x-assumption": "Its own.",
          "x-assumption-kind": "gap",
          responses: { 200: { description: "ok", "x-assumption": "Nested in it.", "x-assumption-kind": "override" } },
        },
        delete: { responses: {} },
      },
      "/c": { get: { responses: { 200: { $ref: "#/components/responses/Shared" } } } },
    },
    components: { responses: { Shared: { description: "shared", "x-assumption": "On a component." } } },
  };

  it("counts every label, those in the paths, and the operations carrying one of their own", () => {
    expect(apiFacts(fixture)).toEqual({
      version: "2.3.4",
      operations: 5,
      tags: 1,
      assumptions: {
        labels: 4,
        inPaths: 3,
        operations: 3,
        kinds: { gap: 1, override: 1, inference: 0, unclassified: 2 },
      },
    });
  });

  it("refuses a label that is not text, naming what it found", () => {
    const bad = structuredClone(fixture);
    bad.paths["/b"].delete["x-assumption"] = true;
    expect(() => apiFacts(bad)).toThrow(/x-assumption label must be a non-empty string; found true/);
    expect(() => renderAssumptions(bad)).toThrow(/non-empty string/);
  });
});

describe("landing page parts", () => {
  const page = {
    api: "demo",
    page: "demo.html",
    info: { title: "Demo <API>" },
    facts: { version: "1", operations: 1, tags: 1, assumptions: { labels: 0, inPaths: 0, operations: 0 } },
    bundleFiles: ["demo.json"],
    guides: [],
  };

  it("links a client's changelog when there is one, and says so when there is none", () => {
    expect(
      landingPage([
        {
          ...page,
          client: {
            packageName: "@x/demo-client",
            released: true,
            readme: "demo-client.readme.html",
            changelog: "demo-client.changelog.html",
          },
        },
      ]),
    ).toContain('<a href="demo-client.changelog.html">Changelog of @x/demo-client</a>');
    expect(
      landingPage([
        { ...page, client: { packageName: "@x/demo-client", released: true, readme: "demo-client.readme.html" } },
      ]),
    ).toContain("None yet: the first release of <code>@x/demo-client</code> writes it.");
    const none = landingPage([page]);
    expect(none).toContain("No typed client yet");
    expect(none).toContain("Demo &lt;API&gt;");
    expect(none).toContain("the description labels no assumption");
  });

  it("reads a guide's sections from its level-2 headings", () => {
    expect(guideTitles("# Title\n\n## Getting started\ntext\n### Detail\n## v1 or v2?  \n")).toEqual([
      "Getting started",
      "v1 or v2?",
    ]);
  });

  it("escapes a text page", () => {
    expect(textPage({ title: "a <b>", text: "<script>x</script>" })).toContain(
      "<pre>&lt;script&gt;x&lt;/script&gt;</pre>",
    );
  });
});
