export { HTTP_METHODS } from "./walker.mjs";
/**
 * A copy of the bundle whose responses accept numbers as numeric strings, booleans as 0/1 and
 * numeric-string enums as their numbers; where the document opts in (`x-mock-coercions`), also
 * null for optional fields (`null-optional`) and dates in the account's display format (`account-dates`).
 */
export declare function loosenResponses<T>(doc: T): T;
/** A copy of the bundle with a suffix-less twin of every `.json` path, paths ordered for routing (for the mock). */
export declare function addSuffixlessAliases<T>(doc: T): T;
/** The paths from the least to the most specific, so that Prism picks the most specific match. */
export declare function orderPathsForRouting<T>(doc: T): T;
/** The server behaviours a description may opt into with `x-mock-coercions`, each with its evidence. */
export declare const MOCK_COERCIONS: Record<"numeric-strings" | "flag-numbers" | "null-optional" | "date-only" | "numbers-for-strings" | "account-dates" | "empty-optional", string>;
/** The mock's copy of a bundle, its request side widened by the rules the document opts into. */
export declare function coerceRequestsForMock<T>(doc: T): T;
/** The name of the operation extension the mock's stateful mode reads. */
export declare const MOCK_RESOURCE: "x-mock-resource";
export declare const MOCK_RESOURCE_ACTIONS: readonly ["create", "read", "list", "update", "delete"];

/** A documented answer: a response status and, when the response has named examples, which one. */
export interface MockAnswer {
  status: string;
  example?: string;
}

/**
 * What `markMockResources` writes on each operation of a resource (JSON pointers, RFC 6901).
 * A record is kept as the request bodies write it (Daftra v1: `{"Client": {...}}`).
 */
export interface MockResource {
  /** The resource's collection path (`/api2/clients`, `/v2/api/entity/brand`); `{name}` parts are filled from the request. */
  resource: string;
  action: "create" | "read" | "list" | "update" | "delete";
  /** Where a record holds its id (`/Client/id`, `/id`). */
  idField: string;
  /** read, update, delete: the path parameter that holds the id. */
  idParam?: string;
  /** The documented success answer the mock fills in. */
  answer: MockAnswer;
  /** create (and update, when its answer has one): where the answer carries the record's id. */
  answerId?: string;
  /** create/update: the request body's wrapper names that differ from the record's (written in the description). */
  wrappers?: Record<string, string>;
  /** read: where the record sits in the answer (`/data`, `` for the root, `/data/0`). */
  record?: string;
  /** list: the array of records in the answer. */
  items?: string;
  /** list: the filter parameters (`x-mock-filter`) and the sort parameter (`x-mock-sort`) it honours. */
  query?: { filters: { param: string; match: "all" | "any" }[]; sort?: string };
  /** list: the page and size query parameters and the answer's paging fields (pointer -> role). */
  paging?: {
    page?: string;
    size?: string;
    defaultSize: number;
    fields: Record<string, "page" | "pageCount" | "total" | "size" | "from" | "to" | "next" | "prev" | "first" | "last" | "path" | "links">;
  };
  /** read, update, delete: the documented answer for an id that does not exist, if there is one. */
  notFound?: MockAnswer;
}

/**
 * A copy of the bundle with `x-mock-resource` (a MockResource) on every operation of a resource,
 * derived from paths and examples, completing the `{resource, action}` a description writes
 * where its paths do not say it.
 */
export declare function markMockResources<T>(doc: T): T;
export declare const internals: {
  widenNode(node: any): void;
  reachable(doc: any, roots: Iterable<string>): Set<string>;
  pathRole(entry: { path: string; method: string }): { resource: string; action: string; idParam?: string } | undefined;
};
/** A body with its top-level wrappers renamed by a MockResource's `wrappers`. */
export declare function rewrap<T>(body: T, wrappers: Record<string, string> | undefined): T;
