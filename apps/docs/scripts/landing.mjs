// The landing page: what the project is, and one card per API with its figures (read from the
// bundle at build time), its reference, bundles, guides, client, mock command and changelog.
// Every link between the site's pages is relative, so the site works from disk and under any
// sub-path (GitHub Pages serves a project at https://<owner>.github.io/<repo>/).
import { HTTP_METHODS, operationsOf } from "@mizan/openapi-tools";
import { ASSUMPTION_KINDS, forEachAssumption } from "./prepare.mjs";

const escapeHtml = (s) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
const plural = (n, one, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

const countAssumptions = (node) => {
  let n = 0;
  forEachAssumption(node, () => n++);
  return n;
};

/** Labels per kind: `{gap, override, inference}`, plus `unclassified` when a label has no known kind. */
const countKinds = (node) => {
  const kinds = Object.fromEntries(Object.keys(ASSUMPTION_KINDS).map((k) => [k, 0]));
  forEachAssumption(node, (_, __, kind) => {
    const key = Object.hasOwn(ASSUMPTION_KINDS, kind) ? kind : "unclassified";
    kinds[key] = (kinds[key] ?? 0) + 1;
  });
  return kinds;
};

/** A path item without its operations: what all of them share (parameters, summary, servers). */
function sharedPartOf(pathItem) {
  return Object.fromEntries(Object.entries(pathItem ?? {}).filter(([key]) => !HTTP_METHODS.includes(key)));
}

/**
 * What the landing page says about an API, from its bundle: `version`, `operations`, `tags`,
 * and `assumptions`: `labels` (every `x-assumption` in the document), `inPaths` (those written
 * in the paths, on operations or what a path's operations share), `kinds` (labels per
 * `x-assumption-kind`: gap, override, inference), and `operations` (operations
 * that carry at least one label of their own, in themselves or their path's shared part).
 * Labels on shared components and document settings apply to every operation that uses them
 * and are counted once.
 */
export function apiFacts(bundle) {
  const operations = operationsOf(bundle);
  const carrying = operations.filter((e) => countAssumptions(e.op) + countAssumptions(sharedPartOf(e.pathItem)) > 0);
  return {
    version: bundle.info?.version,
    operations: operations.length,
    tags: bundle.tags?.length ?? 0,
    assumptions: {
      labels: countAssumptions(bundle),
      inPaths: countAssumptions(bundle.paths ?? {}),
      operations: carrying.length,
      kinds: countKinds(bundle),
    },
  };
}

/** The `## ` headings of a guide: its sections, as the reference's menu lists them. */
export function guideTitles(markdown) {
  return [...String(markdown ?? "").matchAll(/^## +(.+?)\s*$/gm)].map((m) => m[1]);
}

/**
 * The command that starts the mock for an API (the mock's CLI, packages/mock), in a project that has
 * `@mizan/mock` installed:
 * npx runs the package's one bin (`mizan-mock`), never an unscoped package of another owner.
 */
export const mockCommand = (api) => `npx @mizan/mock --api ${api}`;

/** Whether a changelog shows a release: changesets writes a `## <version>` heading per release. */
export const hasRelease = (changelogText) => /^## \d+\.\d+\.\d+/m.test(String(changelogText ?? ""));

/** The file `npm pack` (or `pnpm pack`) writes for a package: `@mizan/x` 0.1.0 -> mizan-x-0.1.0.tgz. */
export const tarballName = ({ name, version }) => `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;

/**
 * How to install a client that is not on the npm registry yet: `folders` are the packages to
 * pack (the client and the workspace packages it depends on), `tarballs` the files they give.
 */
export const packedInstall = (packageName, folders, tarballs) =>
  `Not on the npm registry yet. Until the first release, build the repository (<code>npm run setup</code>), ` +
  `run <code>node scripts/pnpm.mjs pack</code> in ${folders.map((f) => `<code>${escapeHtml(f)}</code>`).join(" and ")}, ` +
  `and install the tarballs: <code>npm install ${tarballs.map((t) => `./${escapeHtml(t)}`).join(" ")}</code>. ` +
  `Once released: <code>npm install ${escapeHtml(packageName)}</code>.`;

/** A plain page for a text file (a client's README or CHANGELOG), linked from the landing page. */
export function textPage({ title, text }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  main { max-width: 900px; margin: 0 auto; padding: 32px 24px; }
  pre { white-space: pre-wrap; background: #fff; border: 1px solid #dde1e8; border-radius: 10px; padding: 20px 24px; font-size: 0.9rem; }
  a { color: #1a56c4; }
</style>
</head>
<body>
<main>
  <p><a href="index.html">All API references</a></p>
  <h1>${escapeHtml(title)}</h1>
  <pre>${escapeHtml(text)}</pre>
</main>
</body>
</html>
`;
}

function card(p) {
  const { facts } = p;
  const { labels, inPaths, operations: carrying, kinds = {} } = facts.assumptions;
  const byKind = Object.entries(kinds)
    .filter(([, n]) => n > 0)
    .map(
      ([kind, n]) =>
        `<li class="kind-${escapeHtml(kind)}" data-kind="${escapeHtml(kind)}" data-count="${n}"><strong>${n.toLocaleString("en-US")}</strong> ${escapeHtml(ASSUMPTION_KINDS[kind] ?? "without a kind")}</li>`,
    )
    .join("");
  const clean = facts.operations - carrying;
  const assumed =
    labels === 0
      ? "Every operation is described from the vendor's documentation; the description labels no assumption."
      : `${plural(clean, "operation")} with no assumption of ${clean === 1 ? "its" : "their"} own, ${carrying} with at least one. ` +
        `The description carries ${plural(labels, "<code>x-assumption</code> label")}: ${inPaths} on operations, ` +
        `${labels - inPaths} on shared parts (schemas, parameters, responses, settings), which apply wherever they are used. The reference shows each one with its kind.` +
        (byKind ? `<ul class="kinds">${byKind}</ul>` : "");
  const client = p.client
    ? `${p.client.released ? `<code>npm install ${escapeHtml(p.client.packageName)}</code>` : packedInstall(p.client.packageName, p.client.folders, p.client.tarballs)} · <a href="${escapeHtml(p.client.readme)}">README</a>`
    : "No typed client yet: the curl samples of the reference work with any HTTP client.";
  const postman = p.postman
    ? `<dt>Postman</dt><dd class="postman"><a href="${escapeHtml(p.postman)}" download>Postman collection</a> (import it into Postman, then fill in the collection's variables: your credential, and the server's address)</dd>`
    : "";
  const changelog = !p.client
    ? "None: there is no client package to release."
    : p.client.changelog
      ? `<a href="${escapeHtml(p.client.changelog)}">Changelog of ${escapeHtml(p.client.packageName)}</a>`
      : `None yet: the first release of <code>${escapeHtml(p.client.packageName)}</code> writes it.`;
  const guides = p.guides.length
    ? `<dt>Guides</dt><dd>In the <a href="${escapeHtml(p.page)}">reference</a>: ${p.guides.map(escape).join(" · ")}</dd>`
    : "";
  return `
    <article class="api" id="${escapeHtml(p.api)}">
      <h2><a href="${escapeHtml(p.page)}">${escapeHtml(p.info.title)}</a></h2>
      <p>${escapeHtml(p.info.summary ?? "")}</p>
      <dl>
        <dt>Version</dt><dd class="version">${escapeHtml(facts.version)}</dd>
        <dt>Operations</dt><dd class="operations">${plural(facts.operations, "operation")} in ${plural(facts.tags, "resource group")}</dd>
        <dt>Verified vs assumed</dt><dd class="assumptions" data-labels="${labels}" data-in-paths="${inPaths}" data-operations="${carrying}">${assumed}</dd>
        <dt>Reference</dt><dd class="links"><a href="${escapeHtml(p.page)}">Reference</a> · ${p.bundleFiles.map((f) => `<a href="${escapeHtml(f)}" download>OpenAPI ${escapeHtml(f.split(".").pop().toUpperCase())}</a>`).join(" · ")}</dd>
        ${guides}
        <dt>Client</dt><dd class="client">${client}</dd>
        ${postman}
        <dt>Mock</dt><dd class="mock"><code>${escapeHtml(mockCommand(p.api))}</code> in a project that has <code>@mizan/mock</code> installed (not on the npm registry yet either: install its packed tarball and that of <code>@mizan/openapi-tools</code> the same way)</dd>
        <dt>Changelog</dt><dd class="changelog">${changelog}</dd>
      </dl>
    </article>`;
}

/**
 * The landing page. `pages`: one entry per API: `api`, `page` (its reference), `info`, `facts`
 * (from apiFacts), `bundleFiles`, `guides` (titles), `postman` (its collection's file, when
 * built), and `client` (`packageName`, `folders` and `tarballs` to pack, `released`, `readme`, `changelog` page or
 * undefined) when the API has one.
 */
export function landingPage(pages) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mizan: API references</title>
<style>
  body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  main { max-width: 860px; margin: 0 auto; padding: 48px 24px; }
  h1 { font-size: 2rem; margin: 0 0 8px; }
  .lead { color: #4a5366; margin: 0 0 32px; }
  .api { background: #fff; border: 1px solid #dde1e8; border-radius: 10px; padding: 20px 24px; margin: 0 0 16px; }
  .api h2 { margin: 0 0 6px; font-size: 1.35rem; }
  dl { display: grid; grid-template-columns: 11em 1fr; gap: 6px 16px; margin: 12px 0 0; font-size: 0.95rem; }
  dt { color: #5c6577; }
  dd { margin: 0; }
  a { color: #1a56c4; }
  code { background: #eef1f6; padding: 1px 5px; border-radius: 4px; }
  footer { color: #6b7385; font-size: 0.9rem; margin-top: 32px; }
</style>
</head>
<body>
<main>
  <h1>API references</h1>
  <p class="lead">Spec-first references for the Daftra ERP API and related APIs. Each is built from a hand-maintained
  OpenAPI 3.1 description, which you can download below. Where a vendor's documentation is silent or contradicts
  itself, the reference says so in a note marked <em>Assumption</em>. Every operation shows a TypeScript sample using the
  typed client, where the API has one, and a curl sample.</p>
  <p class="lead notice"><strong>Not on the npm registry yet.</strong> Until the first release, the packages (clients, mock) install
  from tarballs packed in the repository, as each card says; <code>npm install @mizan/…</code> from the registry fails until then.</p>
${pages.map(card).join("\n")}
  <footer>Unofficial community project, not affiliated with the vendors. These pages work offline and load nothing from other hosts.</footer>
</main>
</body>
</html>
`;
}
