// Seeded values from JSON Schemas of a bundle, for the spec-driven fuzz: a value meant to be
// valid (checked against the schema afterwards by the caller, which falls back to the
// documented example when the generator missed), and mutations that each break one thing.
import { deref } from "@mizan/openapi-tools";
import fc from "fast-check";

export type Json = unknown;
type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, unknown>;
  required?: string[];
  items?: unknown;
  enum?: unknown[];
  const?: unknown;
  allOf?: unknown[];
  anyOf?: unknown[];
  oneOf?: unknown[];
  additionalProperties?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
};

/** A stable 32-bit seed from text (FNV-1a), so each operation and case has its own sequence. */
export function seedOf(...parts: (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join("\u0000")) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

const FORMATS: Record<string, (r: () => number) => string> = {
  date: (r) => `20${10 + Math.floor(r() * 15)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`,
  "date-time": (r) => `2025-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}T10:00:00Z`,
  email: (r) => `user${Math.floor(r() * 1000)}@example.com`,
  uri: (r) => `https://example.com/${Math.floor(r() * 1000)}`,
  url: (r) => `https://example.com/${Math.floor(r() * 1000)}`,
  uuid: () => "123e4567-e89b-42d3-a456-426614174000",
  time: () => "10:00:00",
  ipv4: () => "192.0.2.1",
  binary: () => "file contents",
};

export class Generator {
  constructor(
    private readonly doc: unknown,
    private readonly r: () => number,
    private readonly seed: number,
  ) {}

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.r() * list.length)]!;
  }

  /** A value meant to meet `raw` (null when it cannot tell). */
  value(raw: unknown, depth = 0): Json {
    const schema = deref(this.doc, raw) as Schema | undefined;
    if (!schema || typeof schema !== "object" || depth > 8) return null;
    if (schema.const !== undefined) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length) return this.pick(schema.enum);
    if (schema.allOf?.length) {
      const parts = schema.allOf.map((part) => this.value(part, depth + 1));
      const own = schema.type || schema.properties ? this.value({ ...schema, allOf: undefined }, depth + 1) : undefined;
      if ([...parts, own].every((p) => p === undefined || (p !== null && typeof p === "object" && !Array.isArray(p))))
        return Object.assign({}, ...parts, own);
      return parts[0];
    }
    const branches = schema.oneOf ?? schema.anyOf;
    if (branches?.length) return this.value(this.pick(branches), depth + 1);
    const examples = [schema.example, ...(schema.examples ?? [])].filter((e) => e !== undefined);
    if (examples.length && this.r() < 0.3) return this.pick(examples);
    const types = ([] as string[])
      .concat(schema.type ?? (schema.properties ? "object" : "string"))
      .filter((t) => t !== "null" || this.r() < 0.1);
    const type = types.length ? this.pick(types) : "null";
    switch (type) {
      case "null":
        return null;
      case "boolean":
        return this.r() < 0.5;
      case "integer":
      case "number": {
        const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
        const max =
          schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : Math.max(min, 1000));
        const n = min + this.r() * (max - min);
        return type === "integer" ? Math.ceil(n) : Math.round(n * 100) / 100;
      }
      case "string": {
        if (schema.format && FORMATS[schema.format]) return FORMATS[schema.format]!(this.r);
        if (schema.pattern) {
          try {
            return fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { seed: this.seed + depth, numRuns: 1 })[0];
          } catch {
            return examples[0] ?? "x";
          }
        }
        const min = schema.minLength ?? 1;
        const max = Math.min(schema.maxLength ?? 12, Math.max(min, 12));
        const length = min + Math.floor(this.r() * (max - min + 1));
        return Array.from({ length }, () => this.pick("abcdefghijklmnopqrstuvwxyz0123456789 ".split("")))
          .join("")
          .replace(/^ | $/g, "x");
      }
      case "array": {
        const min = schema.minItems ?? 0;
        const max = Math.min(schema.maxItems ?? 3, Math.max(min, 3));
        const n = min + Math.floor(this.r() * (max - min + 1));
        return Array.from({ length: n }, () => this.value(schema.items ?? {}, depth + 1));
      }
      case "object": {
        const out: Record<string, Json> = {};
        const required = new Set(schema.required ?? []);
        for (const [name, property] of Object.entries(schema.properties ?? {})) {
          const prop = deref(this.doc, property) as Schema | undefined;
          if (prop?.readOnly) continue;
          if (required.has(name) || this.r() < 0.5) out[name] = this.value(property, depth + 1);
        }
        return out;
      }
      default:
        return null;
    }
  }
}

/** The schema of an object's property, following refs and the first allOf/anyOf branch that declares it. */
export function propertySchema(doc: unknown, raw: unknown, name: string, depth = 0): unknown {
  const schema = deref(doc, raw) as Schema | undefined;
  if (!schema || depth > 8) return undefined;
  if (schema.properties && name in schema.properties) return schema.properties[name];
  for (const branch of [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const found = propertySchema(doc, branch, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A value of a type the schema does not allow, or undefined when every JSON type is allowed. */
export function wrongTypeFor(doc: unknown, raw: unknown): Json {
  const schema = deref(doc, raw) as Schema | undefined;
  if (!schema || schema.anyOf || schema.oneOf || schema.allOf || schema.const !== undefined || schema.enum)
    return undefined;
  const types = ([] as string[]).concat(schema.type ?? []);
  if (!types.length) return undefined;
  if (!types.includes("object")) return { not: "this" };
  if (!types.includes("array")) return ["not", "this"];
  return undefined;
}

/** Nested arrays `depth` deep: `[[[...]]]`. */
export function deepValue(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}
