// Guards: the body limit (a declared length over it is refused before anything is read), and
// reading the body (JSON parsed; forms kept as text for Prism), also within the limit.
import type { IncomingMessage } from "node:http";
import { canonicalMultipart, jsonDepthBeyond, MAX_JSON_DEPTH, MultipartError } from "../body-checks.js";
import type { ErrorShape } from "./error-shape.js";
import type { Guard, ShapeOf } from "./exchange.js";
import { sendAndClose, sendError } from "./send.js";

const tooLarge = (maxBytes: number) => `The request body is larger than the mock's limit of ${maxBytes} bytes.`;

/** Refuses a request whose Content-Length is over the limit, with 413, before reading it. */
export function declaredBodyLimit(maxBytes: number, shape: ErrorShape): Guard {
  return ({ req, res }) => {
    if (Number(req.headers["content-length"] ?? 0) <= maxBytes) return false;
    sendAndClose(req, res, shape, 413, tooLarge(maxBytes));
    return true;
  };
}

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** The body: parsed JSON, the text of anything else, or null when there is none; throws BodyError. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (
    req.headers["content-length"] === "0" ||
    (req.headers["transfer-encoding"] === undefined && req.headers["content-length"] === undefined)
  )
    return null;
  const chunks: Buffer[] = [];
  let size = 0;
  // Leaving the loop early (over the limit) must not destroy the request: that would reset the
  // connection under the 413 the client is about to read (see sendAndClose's lingering close).
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    // Stop reading as soon as the limit is passed, so a huge body is never held in memory.
    if (size > maxBytes) throw new BodyError(413, tooLarge(maxBytes));
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString();
  // JSON bodies are parsed, anything else (multipart, urlencoded) goes to Prism as text.
  if (/^application\/(.+\+)?json/i.test(req.headers["content-type"] ?? "")) {
    // Refused before parsing: recursive steps after it (validation, merging) would overflow.
    if (jsonDepthBeyond(text) !== undefined)
      throw new BodyError(400, `The request body nests deeper than the mock's limit of ${MAX_JSON_DEPTH} levels.`);
    try {
      return JSON.parse(text);
    } catch {
      throw new BodyError(400, "The request body is not valid JSON.");
    }
  }
  // Rewritten in the plainest form, which Prism's fragile part parser reads (../body-checks.ts).
  if (/^multipart\/form-data/i.test(req.headers["content-type"] ?? "")) {
    try {
      return await canonicalMultipart(text, req.headers["content-type"]!);
    } catch (error) {
      if (error instanceof MultipartError) throw new BodyError(400, error.message);
      throw error;
    }
  }
  return text;
}

/** Reads the body into the exchange; a body over the limit gets 413 (and the connection closed), bad JSON 400. */
export function bodyReader(maxBytes: number, shapeOf: ShapeOf, apiShape: ErrorShape): Guard {
  return async (exchange) => {
    try {
      exchange.body = await readBody(exchange.req, maxBytes);
      return false;
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      if (error.status === 413) sendAndClose(exchange.req, exchange.res, apiShape, 413, error.message);
      else sendError(exchange.res, shapeOf(exchange), error.status, error.message, "body");
      return true;
    }
  };
}
