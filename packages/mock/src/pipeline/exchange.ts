// The shapes the request pipeline passes along (see ./index.ts for the pipeline itself).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SchemeInfo, OperationEntry } from "@mizan/openapi-tools";
import type { FastVerdict } from "../fast-path.js";
import type { Conditional } from "./conditional.js";
import type { ErrorShape } from "./error-shape.js";
import type { PrismDetail, Violation } from "./violations.js";

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
  /** The spec violations found in this request or its answer, for its line of the request log. */
  violations?: Violation[];
}

/** A guard answers the request itself (and returns true) or lets it through (false). */
export type Guard = (exchange: Exchange) => boolean | Promise<boolean>;

/** A responder answers the request (true) or leaves it to the next responder (false). */
export type Responder = (exchange: Exchange) => boolean | Promise<boolean>;

/** The error shape for a request: its operation's, or the API's. */
export type ShapeOf = (exchange: Exchange) => ErrorShape;

/** An operation of the served bundle as the stages need it (built once by route.ts). */
export interface Route {
  entry: OperationEntry;
  method: string;
  regex: RegExp;
  specificity: number;
  security: SchemeInfo[][];
  /** The mock's own errors on this route take the shape its operation documents, else the API's. */
  errorShape: ErrorShape;
  /** The statuses the operation documents ("200", "4XX", "default"...). */
  statuses: string[];
  /** Checks the bracket query parameters (Daftra v2's filter[field][op]=v) Prism does not read. */
  checkQuery?: (query: URLSearchParams) => string | undefined;
  /** Error examples chosen by the refused request's body (x-mock-when), read when Prism first refuses one. */
  conditional: () => Conditional;
  /** The path parameters declared as integers only (not also strings): values beyond 2^53 name no record. */
  integerPathParams: string[];
  /** The path parameters' values in a path (percent-decoded). */
  pathParams: (pathname: string) => Record<string, string> | undefined;
}

/** Prism's problem (its refusal of a request): `name` is a URL of its error type, `detail` says what happened. */
export interface PrismProblem {
  status?: number;
  name?: string;
  title?: string;
  detail?: string;
  additional?: { headers?: Record<string, string>; validation?: PrismDetail[] };
}

export interface PrismOutput {
  statusCode: number;
  headers?: Record<string, string | string[]>;
  body: unknown;
}

export type PrismResult =
  | { _tag: "Left"; left: PrismProblem }
  | { _tag: "Right"; right: { output: PrismOutput; validations: { input: PrismDetail[]; output: PrismDetail[] } } };
