// The landing page: what the project is, and one card per API with its reference and bundles.
const escape = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

export function landingPage(pages) {
  const cards = pages
    .map(
      (p) => `
    <article class="api">
      <h2><a href="${escape(p.page)}">${escape(p.info.title)}</a></h2>
      <p>${escape(p.info.summary ?? "")}</p>
      <p class="meta">${p.operations} operations · ${p.tags} resource groups · version ${escape(p.info.version)}${p.client ? ` · client <code>${escape(p.client)}</code>` : ""}</p>
      <p class="links"><a href="${escape(p.page)}">Reference</a> · <a href="${escape(p.api)}.json" download>OpenAPI JSON</a> · <a href="${escape(p.api)}.yaml" download>OpenAPI YAML</a></p>
    </article>`,
    )
    .join("\n");
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
  .meta { color: #5c6577; font-size: 0.92rem; }
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
${cards}
  <footer>Unofficial community project, not affiliated with the vendors. These pages work offline and load nothing from other hosts.</footer>
</main>
</body>
</html>
`;
}
