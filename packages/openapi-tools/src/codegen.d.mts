/** TypeScript types for openapi-fetch (`paths`, `components`, ...), after `banner`. */
export declare function generateTypes(doc: any, banner?: string): Promise<string>;
/** A pagination style: query parameter of the page, dotted paths of the items, last page and next link. */
export interface PaginationStyle {
  page: string;
  items: string;
  lastPage?: string;
  next?: string;
}
export interface CodegenOptions {
  /** The API's pagination styles; a GET whose 200 body and parameters fit one is a paged list. */
  pagination?: PaginationStyle[];
}
/** The operations.ts module: operation ids, security per operation, urlencoded operations, paged lists. */
export declare function generateOperations(doc: any, banner?: string, options?: CodegenOptions): string;
/** How a GET operation (an `operationsOf` entry) pages, if it fits one of the styles. */
export declare function listMeta(
  doc: any,
  entry: { op: any; parameters: any[] },
  styles?: PaginationStyle[],
): { style: PaginationStyle; wrapper?: string } | undefined;
/** The security exceptions of an API as URL matchers, most concrete first (see codegen.mjs). */
export declare function securityMatchers(
  rows: { key: string; security: string[][] }[],
  defaultSecurity: string[][],
): { method: string; template: string; regex: string; security: string[][] }[];
