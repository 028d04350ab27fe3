// The contract between bundle time and run time: what `markMockResources` (resources.ts) writes
// on each operation of the mock bundle as `x-mock-resource`, and what the stateful mock
// (@mizan/mock, src/state.ts) reads there. Nothing else of the model is needed at run time.

/** A documented answer: a response status and, when the response has named examples, which one. */
export interface MockAnswer {
  status: string;
  example?: string;
}

export type MockAction = "create" | "read" | "list" | "update" | "delete";

/**
 * What `markMockResources` writes on each operation of a resource (JSON pointers, RFC 6901).
 * A record is kept as the request bodies write it (Daftra v1: `{"Client": {...}}`).
 */
export interface MockResource {
  /** The resource's collection path (`/api2/clients`, `/v2/api/entity/brand`); `{name}` parts are filled from the request. */
  resource: string;
  action: MockAction;
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
    fields: Record<string, PagingRole>;
  };
  /** read, update, delete: the documented answer for an id that does not exist, if there is one. */
  notFound?: MockAnswer;
}

export type PagingRole =
  | "page"
  | "pageCount"
  | "total"
  | "size"
  | "from"
  | "to"
  | "next"
  | "prev"
  | "first"
  | "last"
  | "path"
  | "links";

/** The name of the operation extension the mock's stateful mode reads. */
export const MOCK_RESOURCE = "x-mock-resource";
export const MOCK_RESOURCE_ACTIONS: readonly MockAction[] = ["create", "read", "list", "update", "delete"];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** A body with its top-level wrappers renamed (`{FollowUpReminder: {...}}` -> `{ClientAppointment: {...}}`). */
export function rewrap<T>(body: T, wrappers: Record<string, string> | undefined): T {
  if (!wrappers || !isObject(body)) return body;
  // Own keys only: a body's `constructor` key must not be renamed to the Object function's text.
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [Object.hasOwn(wrappers, key) ? wrappers[key] : key, value]),
  ) as T;
}
