// Docs-only changes to a bundled document. The bundle itself stays clean for the client and the
// mock; here we add what a reader needs and Redoc does not render on its own.
import { addCodeSamples } from "./samples.mjs";

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

/**
 * The document the reference page is built from: assumptions made visible, code samples on
 * every operation, and the API's guides (apps/docs/guides/<api>.md) after its introduction.
 */
export function prepareForDocs(api, bundle, { guide, hasClient } = {}) {
  const doc = structuredClone(bundle);
  // Samples first: their request bodies must not carry the notes added to descriptions.
  addCodeSamples(api, doc, { hasClient: !!hasClient });
  renderAssumptions(doc);
  if (guide) doc.info.description = `${doc.info.description ?? ""}\n\n${guide}`;
  return doc;
}
