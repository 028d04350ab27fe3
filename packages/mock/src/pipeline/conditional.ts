// Conditional error examples: an operation's named 4xx example can say which refused requests it
// answers (`x-mock-when: { body: <JSON Schema> }`); Prism's refusal then carries that example.
import { deref, type OperationEntry } from "@mizan/openapi-tools";
import { formFields } from "../state.js";
import type { PrismDetail } from "./violations.js";

export type Conditional = Map<number, { value: unknown; matches: (body: unknown) => boolean }[]>;

/**
 * The named error examples of an operation that say which refused requests they answer, by status:
 * `x-mock-when: { body: <JSON Schema> }` on an example of a 4xx response (the OAuth token
 * endpoint answers an unknown grant_type with unsupported_grant_type, other problems with
 * invalid_request). Compiled once; empty for most operations.
 */
export function conditionalExamplesOf(
  doc: unknown,
  entry: OperationEntry,
  compile: (schema: unknown) => (value: unknown) => boolean,
): Conditional {
  const found: Conditional = new Map();
  for (const [code, raw] of Object.entries((entry.op as { responses?: Record<string, unknown> }).responses ?? {})) {
    const response = deref(doc, raw) as
      | { content?: Record<string, { examples?: Record<string, unknown> }> }
      | undefined;
    for (const [type, media] of Object.entries(response?.content ?? {})) {
      if (!/json/i.test(type)) continue;
      for (const named of Object.values(media.examples ?? {})) {
        const example = deref(doc, named) as { value?: unknown; "x-mock-when"?: { body?: unknown } } | undefined;
        const when = example?.["x-mock-when"];
        if (!when) continue;
        if (typeof when !== "object" || !when.body)
          throw new Error(`${entry.key}: x-mock-when on a ${code} example must be {body: <JSON Schema>}.`);
        let validate: ((value: unknown) => boolean) | undefined;
        const matches = (body: unknown) => (validate ??= compile(when.body))(body);
        found.set(Number(code), [...(found.get(Number(code)) ?? []), { value: example!.value, matches }]);
      }
    }
  }
  return found;
}

/** Prism's refusal answered with the first example whose x-mock-when the request body meets, if one does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function withConditionalExample(
  conditional: Conditional,
  result: any,
  body: unknown,
  contentType: string | undefined,
) {
  const candidates = conditional.get(result.right.output.statusCode);
  if (!candidates || !result.right.validations.input.some((v: PrismDetail) => v.severity === 0)) return result;
  let fields = body;
  if (typeof body === "string") {
    try {
      fields = await formFields(body, contentType ?? "");
    } catch {
      return result;
    }
  }
  const chosen = candidates.find((candidate) => candidate.matches(fields));
  return chosen
    ? { ...result, right: { ...result.right, output: { ...result.right.output, body: structuredClone(chosen.value) } } }
    : result;
}
