// The API's own error shape, read from the served bundle, so the mock's own refusals (bad JSON,
// too large, two credentials, unknown route, injected faults) look like the API's errors.
import { STATUS_CODES } from "node:http";
import { deref, operationsOf, type OperationEntry } from "@mizan/openapi-tools";
import type { ProblemPlace } from "../refusals.js";

/** Whether an operation documents an error answer with an example body. */
export function hasErrorExamples(doc: unknown, entry: OperationEntry): boolean {
  return Object.entries((entry.op as { responses?: Record<string, unknown> }).responses ?? {}).some(
    ([code, response]) => Number(code) >= 400 && typeof exampleOf(doc, response) === "object",
  );
}

/** The body of the first JSON media type of a response: its example, or its first named one. */
function exampleOf(doc: unknown, response: unknown): unknown {
  const content =
    (
      deref(doc, response) as
        | { content?: Record<string, { example?: unknown; examples?: Record<string, unknown> }> }
        | undefined
    )?.content ?? {};
  const media = Object.entries(content).find(([type]) => /json/i.test(type))?.[1];
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  return (deref(doc, first) as { value?: unknown } | undefined)?.value;
}

/** The nesting of an example's keys (null values left out), to tell bodies of one shape. */
function keyShape(value: unknown): string {
  if (!value || typeof value !== "object" || Array.isArray(value)) return "";
  return Object.entries(value)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}{${keyShape(v)}}`)
    .sort()
    .join(",");
}

/** The status and body of the mock's own error answer for `status`, in the API's own shape (`where`: what was wrong, when known). */
export type ErrorShape = (status: number, message: string, where?: ProblemPlace) => { status: number; body: unknown };

/**
 * The API's error shape, read from the served bundle so each API answers the mock's own errors
 * (bad JSON, too large, bad path encoding, two credentials, unknown route) the way it documents:
 * - a status the spec documents takes its most common example; others take the 400's (or 401's,
 *   or any 4xx's) example;
 * - an API whose 2xx examples include bodies of that same shape reports errors with 200 (VMSAlpha),
 *   except for statuses it documents itself;
 * - in the example, message fields take our message, numbers and reason phrases of the example's
 *   status become the real status, and lists of field problems are emptied.
 */
export function errorShapeOf(doc: unknown, entries: OperationEntry[] = operationsOf(doc)): ErrorShape {
  const counts = new Map<number, Map<string, number>>();
  const successShapes = new Set<string>();
  /** Named examples of 2xx answers (error bodies sent with 200 among them), by name. */
  const successExamples: [string, unknown][] = [];
  for (const entry of entries) {
    for (const [code, response] of Object.entries(
      (entry.op as { responses?: Record<string, unknown> }).responses ?? {},
    )) {
      const status = Number(code);
      if (!Number.isInteger(status)) continue;
      const example = exampleOf(doc, response);
      if (!example || typeof example !== "object") continue;
      if (status < 300) {
        // Every named example counts here: error bodies sent with 200 are named examples.
        const content =
          (deref(doc, response) as { content?: Record<string, { examples?: Record<string, unknown> }> }).content ?? {};
        for (const media of Object.values(content)) {
          for (const [name, named] of Object.entries(media.examples ?? {})) {
            const value = (deref(doc, named) as { value?: unknown })?.value;
            successShapes.add(keyShape(value));
            successExamples.push([name, value]);
          }
        }
        successShapes.add(keyShape(example));
      } else if (status >= 400) {
        const byBody = counts.get(status) ?? new Map<string, number>();
        const text = JSON.stringify(example);
        byBody.set(text, (byBody.get(text) ?? 0) + 1);
        counts.set(status, byBody);
      }
    }
  }
  const templates = new Map<number, unknown>();
  for (const [status, byBody] of counts)
    templates.set(status, JSON.parse([...byBody].sort((a, b) => b[1] - a[1])[0]![0]));
  const fallbackStatus = [400, 401, ...[...templates.keys()].sort((a, b) => a - b)].find((s) => templates.has(s));
  const errorsWith200 = fallbackStatus !== undefined && successShapes.has(keyShape(templates.get(fallbackStatus)));
  // An API that sends its errors with 200 documents them as named 200 examples: a refusal takes
  // one of those (the 200 schema admits them), not the body of another status. Missing or bad
  // credentials take the documented credentials example as it is (VMSAlpha's missingToken).
  const errorExamples = errorsWith200
    ? successExamples.filter(([, value]) => keyShape(value) === keyShape(templates.get(fallbackStatus!)))
    : [];
  const CREDENTIALS = /token|auth|credential|login/i;
  const credentialsExample = errorExamples.find(([name]) => CREDENTIALS.test(name))?.[1];
  const requestExample = (errorExamples.find(([name]) => !CREDENTIALS.test(name) && !/server/i.test(name)) ??
    errorExamples.find(([name]) => !/server/i.test(name)))?.[1];
  return (status, message) => {
    const ownStatus = templates.has(status);
    if (!ownStatus && (status === 401 || status === 403) && credentialsExample !== undefined)
      return { status: 200, body: structuredClone(credentialsExample) };
    if (!ownStatus && errorsWith200 && requestExample !== undefined && status !== 405 && status < 500)
      return { status: 200, body: fillError(requestExample, 200, status, message) };
    const templateStatus = ownStatus ? status : fallbackStatus;
    if (templateStatus === undefined) return { status, body: { status, message } };
    const sentStatus = ownStatus || !errorsWith200 ? status : 200;
    const body = fillError(templates.get(templateStatus), templateStatus, status, message);
    // A server failure in a request error's frame names no field: its emptied field map (Daftra
    // v1's validation_errors, optional in its error schema) is left out rather than sent empty.
    return { status: sentStatus, body: !ownStatus && status >= 500 ? withoutEmptyFieldMaps(body) : body };
  };
}

/** A body without its empty field maps (`…errors: {}` at the top). */
function withoutEmptyFieldMaps(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body).filter(
      ([key, value]) =>
        !(
          /errors$/i.test(key) &&
          value &&
          typeof value === "object" &&
          !Array.isArray(value) &&
          !Object.keys(value).length
        ),
    ),
  );
}

/** An error shape made the first time it is used (reading one scans the bundle's examples; most runs refuse little). */
export function errorShapeOnFirstUse(make: () => ErrorShape): ErrorShape {
  let shape: ErrorShape | undefined;
  return (status, message, where) => (shape ??= make())(status, message, where);
}

export const MESSAGE_KEY = /^(message|errorMessage|error_description|detail)$/i;
export function fillError(template: unknown, templateStatus: number, status: number, message: string): unknown {
  if (Array.isArray(template)) return [];
  if (!template || typeof template !== "object") return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (MESSAGE_KEY.test(key) && typeof value === "string") out[key] = message;
    else if (value === templateStatus) out[key] = status;
    else if (typeof value === "string" && value === STATUS_CODES[templateStatus]) out[key] = STATUS_CODES[status];
    // A map of field problems (Daftra's validation_errors) would name the example's fields.
    else if (
      value &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      /errors$/i.test(key) &&
      !Object.keys(value).some((k) => MESSAGE_KEY.test(k))
    )
      out[key] = {};
    else out[key] = fillError(value, templateStatus, status, message);
  }
  return out;
}
