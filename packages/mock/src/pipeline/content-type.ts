// Guard: a Content-Type that is not a media type (`!`, `json`) made Prism's MIME parser throw, a
// 500. Without a body it means nothing and is dropped; with one the request is refused (400, or
// the operation's documented refusal). An Accept header that is not a list of media ranges (`x`)
// made Prism's negotiation throw too: it is dropped, so the request accepts anything (RFC 9110
// §12.5.1 lets a server disregard a header it cannot read).
import { isMediaRangeList, isMediaType } from "../body-checks.js";
import type { Guard, ShapeOf } from "./exchange.js";
import { sendError } from "./send.js";

export function contentTypeCheck(shapeOf: ShapeOf): Guard {
  return (exchange) => {
    const { req, res } = exchange;
    if (req.headers.accept !== undefined && !isMediaRangeList(req.headers.accept)) delete req.headers.accept;
    const contentType = req.headers["content-type"];
    if (contentType === undefined || isMediaType(contentType)) return false;
    if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) {
      delete req.headers["content-type"];
      return false;
    }
    req.resume();
    sendError(
      res,
      shapeOf(exchange),
      400,
      `Content-Type: "${contentType}" is not a media type (type/subtype).`,
      "header",
    );
    return true;
  };
}
