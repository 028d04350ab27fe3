// The last stage: writing an answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StoredAnswer } from "../fast-path.js";
import type { ProblemPlace } from "../refusals.js";
import type { ErrorShape } from "./error-shape.js";

/** A JSON answer (`text` when the body is already serialised). */
export function sendJson(res: ServerResponse, status: number, body: unknown, text = JSON.stringify(body)): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The mock's own error, in the API's (or the operation's) error shape. */
export function sendError(res: ServerResponse, shape: ErrorShape, status: number, message: string, where?: ProblemPlace): void {
  const answer = shape(status, message, where);
  sendJson(res, answer.status, answer.body);
}

/** An answer Prism made before, stored byte for byte (the fast path's). */
export function sendStored(res: ServerResponse, stored: StoredAnswer): void {
  for (const [name, value] of stored.headers) res.setHeader(name, value);
  res.setHeader("content-length", stored.body.length);
  res.writeHead(stored.status);
  res.end(stored.body);
}

/** A refusal sent before the body is read (413), then the connection closed: the rest of the body is never read. */
export function sendAndClose(req: IncomingMessage, res: ServerResponse, shape: ErrorShape, status: number, message: string): void {
  const answer = shape(status, message);
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), connection: "close" });
  // The socket is detached from the request once the answer is out; keep hold of it.
  const socket = req.socket;
  res.end(text, () => socket?.destroy());
}
