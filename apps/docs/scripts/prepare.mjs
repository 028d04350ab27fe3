// Docs-only changes to a bundled document. The bundle itself stays clean for the client and the
// mock; here we add what a reader needs and Redoc does not render on its own.
import { forEachObject } from "@mizan/openapi-tools";
import { addCodeSamples, sampleLanguages } from "./samples.mjs";

const NOTE = "**Assumption (not confirmed by the vendor)";

/** What each `x-assumption-kind` means, as the reference and the landing page say it. */
export const ASSUMPTION_KINDS = {
  gap: "gap: the docs say nothing, so we chose",
  override: "override: the docs say otherwise, and we chose to differ",
  inference: "inference: read from other evidence (examples, integrations' code, names)",
};

/** The landing page, linked from the top of every reference; relative, so the site can move. */
export const LANDING_PAGE = "index.html";

/**
 * Calls fn(node, text, kind) for every object inside value that carries an `x-assumption` label;
 * `kind` is its `x-assumption-kind` (gap, override or inference; the spec's lint requires one).
 * A label that is not a non-empty string is an error: it would neither be shown nor counted.
 */
export function forEachAssumption(value, fn) {
  forEachObject(value, (node) => {
    if (!Object.hasOwn(node, "x-assumption")) return;
    const text = node["x-assumption"];
    if (typeof text !== "string" || !text.trim()) {
      throw new Error(
        `An x-assumption label must be a non-empty string; found ${JSON.stringify(text)} beside ${JSON.stringify(Object.keys(node).slice(0, 5))}.`,
      );
    }
    fn(node, text, node["x-assumption-kind"]);
  });
}

/** Appends every `x-assumption` to the description next to it, with its kind, so Redoc shows it. */
export function renderAssumptions(doc) {
  forEachAssumption(doc, (node, text, kind) => {
    if (!String(node.description ?? "").includes(NOTE)) {
      const note = Object.hasOwn(ASSUMPTION_KINDS, kind) ? `${NOTE}, ${ASSUMPTION_KINDS[kind]}:**` : `${NOTE}:**`;
      node.description = [node.description, `> ${note} ${text}`].filter(Boolean).join("\n\n");
    }
  });
  return doc;
}

/**
 * The Redoc options of an API's reference (the `openapi` key of the config the build passes to
 * `redocly build-docs`): the sample languages in our order, TypeScript first, then the request
 * payload; and download links to the bundles beside the page, relative so they work from disk
 * and under any sub-path.
 */
export function redocOptions({ hasClient, bundleFiles }) {
  return {
    codeSamples: { languages: [...sampleLanguages({ hasClient }), { lang: "Payload" }] },
    downloadUrls: bundleFiles.map((file) => ({ title: `OpenAPI ${file.split(".").pop().toUpperCase()}`, url: file })),
  };
}

/**
 * The document the reference page is built from: assumptions made visible, code samples on
 * every operation, a link back to the landing page, and the API's guides
 * (apps/docs/guides/<api>.md) after its introduction.
 */
export function prepareForDocs(api, bundle, { guide, hasClient } = {}) {
  const doc = structuredClone(bundle);
  // Samples first: their request bodies must not carry the notes added to descriptions.
  addCodeSamples(api, doc, { hasClient: !!hasClient });
  renderAssumptions(doc);
  doc.info.description = [`[All API references](${LANDING_PAGE})`, doc.info.description, guide]
    .filter(Boolean)
    .join("\n\n");
  return doc;
}
