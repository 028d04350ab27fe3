/** TypeScript types for openapi-fetch (`paths`, `components`, ...), after `banner`. */
export declare function generateTypes(doc: any, banner?: string): Promise<string>;
/** The operations.ts module: operation facts, auth kinds, urlencoded and public operations, list wrappers. */
export declare function generateOperations(doc: any, banner?: string): string;
/** For a paginated list operation, the key that wraps each item ("Client"), else undefined. */
export declare function listWrapper(doc: any, op: any): string | undefined;
