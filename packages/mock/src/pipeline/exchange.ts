// The shapes the request pipeline passes along (see ./index.ts for the pipeline itself).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastVerdict } from "../fast-path.js";
import type { ErrorShape } from "./error-shape.js";
import type { Route } from "./route.js";
import type { PrismResult } from "./prism.js";

/** One request on its way through the pipeline; each stage adds what it found. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  pathname: string;
  method: string;
  /** The routes whose path template matches (the route stage), for Prism to choose from. */
  candidates?: Route[];
  /** The operation the path and method name (the route stage), if the spec has one. */
  route?: Route;
  /** The body as read (the body stage): parsed JSON, form text, or null when none was sent. */
  body?: unknown;
  /** The fast path's verdict (fast.ts), once asked; null when the fast path has no say. */
  fast?: FastVerdict | null;
  /** Prism's answer (prism.ts), once asked: every responder after the first reuses it. */
  prism?: Promise<PrismResult>;
}

/** A guard answers the request itself (and returns true) or lets it through (false). */
export type Guard = (exchange: Exchange) => boolean | Promise<boolean>;

/** A responder answers the request (true) or leaves it to the next responder (false). */
export type Responder = (exchange: Exchange) => boolean | Promise<boolean>;

/** The error shape for a request: its operation's, or the API's. */
export type ShapeOf = (exchange: Exchange) => ErrorShape;
