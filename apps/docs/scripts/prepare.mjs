// Docs-only changes to a bundled document. The bundle itself stays clean for the client
// and the mock; here we make what Redoc does not render on its own visible.

const NOTE = "**Assumption (not confirmed by the vendor):**";

/** Appends every `x-assumption` to the description next to it, so Redoc shows it. */
export function renderAssumptions(doc) {
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    const text = node["x-assumption"];
    if (typeof text === "string" && !String(node.description ?? "").includes(NOTE)) {
      node.description = [node.description, `> ${NOTE} ${text}`].filter(Boolean).join("\n\n");
    }
    Object.values(node).forEach(visit);
  };
  visit(doc);
  return doc;
}

export function prepareForDocs(bundle) {
  return renderAssumptions(structuredClone(bundle));
}
