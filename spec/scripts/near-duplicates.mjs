#!/usr/bin/env node
// Finds component schemas that are near copies of each other: two schemas whose own properties
// (name and type) mostly coincide, while neither is built on the other with allOf.
// Used by spec/test/near-duplicates.test.mjs; `node scripts/near-duplicates.mjs <bundle.json>`
// lists the pairs of any bundle (for example an older one) with their overlap.
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PREFIX = "#/components/schemas/";
const _RECORD = /Record$/;

/** A short signature of a property's type: `integer|null`, `ref:Flag`, `array<string>`. */
export function typeSignature(schema) {
  if (!schema || typeof schema !== "object") return "any";
  if (schema.$ref)
    return `ref:${schema.$ref
      .replace(PREFIX, "")
      .replace(/^.*\//, "")
      .replace(/\.yaml$/, "")}`;
  if (schema.allOf) return `allOf(${schema.allOf.map(typeSignature).join(",")})`;
  const types = schema.type === undefined ? [] : [schema.type].flat().slice().sort();
  if (types.includes("array")) return `array<${typeSignature(schema.items)}>`;
  if (schema.const !== undefined) return `const:${JSON.stringify(schema.const)}`;
  return types.length ? types.join("|") : "any";
}

/** The properties a schema declares itself: its own `properties` and those of inline allOf branches. */
export function ownProperties(schema) {
  const found = new Map();
  const visit = (node) => {
    if (!node || typeof node !== "object" || node.$ref) return;
    for (const [name, prop] of Object.entries(node.properties ?? {})) {
      if (!found.has(name)) found.set(name, `${name}:${typeSignature(prop)}`);
    }
    (node.allOf ?? []).forEach(visit);
  };
  visit(schema);
  return new Set(found.values());
}

/** Names of the component schemas `name` builds on through allOf, transitively. */
export function composedOf(schemas, name, seen = new Set()) {
  for (const branch of schemas[name]?.allOf ?? []) {
    const ref = branch.$ref?.startsWith(PREFIX) ? branch.$ref.slice(PREFIX.length) : undefined;
    if (ref && !seen.has(ref)) {
      seen.add(ref);
      composedOf(schemas, ref, seen);
    }
  }
  return seen;
}

/**
 * Pairs of component schemas sharing at least `minShared` own properties with a Jaccard overlap of
 * at least `threshold`. Schemas the bundle step derived (`x-derived-from`, the `<Name>Record`
 * copies) are skipped, and so is a pair where one schema composes the other.
 */
export function nearDuplicates(doc, { threshold = 0.6, minShared = 4 } = {}) {
  const schemas = doc.components?.schemas ?? {};
  const names = Object.keys(schemas)
    .filter((n) => !schemas[n]["x-derived-from"])
    .sort();
  const props = Object.fromEntries(names.map((n) => [n, ownProperties(schemas[n])]));
  const pairs = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const [a, b] = [names[i], names[j]];
      if (composedOf(schemas, a).has(b) || composedOf(schemas, b).has(a)) continue;
      const shared = [...props[a]].filter((p) => props[b].has(p));
      const union = new Set([...props[a], ...props[b]]).size;
      const jaccard = union ? shared.length / union : 0;
      if (shared.length >= minShared && jaccard >= threshold) {
        pairs.push({ pair: `${a} ~ ${b}`, shared: shared.length, union, jaccard: Math.round(jaccard * 100) / 100 });
      }
    }
  }
  return pairs.sort((x, y) => y.jaccard - x.jaccard);
}

const isMain = process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  const [file, threshold] = process.argv.slice(2);
  if (!file) {
    console.error("usage: near-duplicates.mjs <bundle.json> [threshold]");
    process.exit(2);
  }
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const pairs = nearDuplicates(doc, threshold ? { threshold: Number(threshold) } : undefined);
  for (const p of pairs) console.log(`${p.jaccard.toFixed(2)}  ${p.shared}/${p.union}  ${p.pair}`);
  console.log(`${pairs.length} near-duplicate pair(s)`);
}
