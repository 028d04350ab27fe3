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
export function sendError(
  res: ServerResponse,
  shape: ErrorShape,
  status: number,
  message: string,
  where?: ProblemPlace,
): void {
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

/** How long, and how many more bytes, a refused upload is read and dropped before its connection is closed (lingering close). */
export const LINGER = { ms: 2000, bytes: 64 * 1024 * 1024 };

/**
 * A refusal sent before the body is read (413), with `Connection: close`, then a lingering close
 * (as nginx does): the answer is written whole at once, but the rest of the body the client is
 * still sending is read and dropped, for at most `linger.ms` or `linger.bytes`, before the
 * connection ends. Closing at once would leave unread bytes, and the kernel answers those with a
 * reset that can reach the client before it has read the 413.
 */
export function sendAndClose(
  req: IncomingMessage,
  res: ServerResponse,
  shape: ErrorShape,
  status: number,
  message: string,
  linger = LINGER,
): void {
  const answer = shape(status, message);
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    connection: "close",
  });
  // Written now, ended later: Node closes a `Connection: close` exchange as soon as it ends.
  res.write(text);
  let dropped = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off("data", drop);
    // The socket is detached from the request once the answer is out; keep hold of it.
    const socket = req.socket;
    res.end(() => socket?.destroy());
  };
  const drop = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > linger.bytes) finish();
  };
  const timer = setTimeout(finish, linger.ms);
  req.on("data", drop);
  req.once("end", finish);
  req.once("error", finish);
  res.once("close", finish);
  if (req.readableEnded) finish();
}
