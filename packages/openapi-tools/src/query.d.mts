/** Key segments refused in a bracket query (`__proto__`, `constructor`, `prototype`). */
export declare const FORBIDDEN_KEYS: ReadonlySet<string>;
/** The nested value of each named deepObject parameter in a query, and the keys it could not read. */
export declare function readBracketQuery(
  entries: Iterable<[string, string]>,
  names: string[],
): { values: Record<string, unknown>; problems: string[] } /* null-prototype objects */;
/** A checker of an operation's deepObject query parameters: a message naming the offending key, or undefined. */
export declare function bracketQueryChecker(
  doc: any,
  parameters: { in: string; name: string; style?: string; schema?: unknown }[],
  compile?: (schema: any) => (value: unknown) => boolean,
): ((entries: Iterable<[string, string]>) => string | undefined) | undefined;
/** The filter operators the bracket grammar knows, each a test of a field's value against the query's. */
export declare const FILTER_OPERATORS: Record<string, (value: unknown, operand: unknown) => boolean>;
/** The records a query keeps, in the order its sort parameter asks (see query.mjs). */
export declare function filterAndSort<T>(
  records: T[],
  entries: Iterable<[string, string]>,
  roles?: { filters?: { param: string; match: "all" | "any" }[]; sort?: string },
  read?: (record: T) => unknown,
): T[];
/** The operator names a filter parameter's schema declares. */
export declare function declaredOperators(doc: any, schema: unknown): string[];
