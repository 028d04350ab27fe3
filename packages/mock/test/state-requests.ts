// Requests as the stateful responder takes them (after the pipeline's checks), for the tests that
// drive a State directly: a bundle's operations by key, one session header, a plain error shape.
import { readFileSync } from "node:fs";
import { operationsOf } from "@mizan/openapi-tools";
import { getApi } from "@mizan/spec";
import { SESSION_HEADER } from "../src/index.js";
import type { StatefulRequest } from "../src/state.js";

export function stateRequests(api: string) {
  const doc = JSON.parse(readFileSync(getApi(api).mockBundle, "utf8"));
  const entries = operationsOf(doc);
  const errorShape = (status: number, message: string) => ({ status, body: { message } });
  const request = (key: string, pathname: string, session: string, body?: unknown, query = ""): StatefulRequest => ({
    entry: entries.find((e) => e.key === key)!,
    pathname,
    query: new URLSearchParams(query),
    headers: { [SESSION_HEADER]: session },
    body,
    errorShape,
  });
  return { doc, request };
}
