/** The nested value of each named deepObject parameter in a query, and the keys it could not read. */
export declare function readBracketQuery(entries: Iterable<[string, string]>, names: string[]): { values: Record<string, unknown>; problems: string[] };
/** A checker of an operation's deepObject query parameters: a message naming the offending key, or undefined. */
export declare function bracketQueryChecker(
  doc: any,
  parameters: { in: string; name: string; style?: string; schema?: unknown }[],
  compile?: (schema: any) => (value: unknown) => boolean,
): ((entries: Iterable<[string, string]>) => string | undefined) | undefined;
