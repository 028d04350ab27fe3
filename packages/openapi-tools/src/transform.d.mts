export { HTTP_METHODS } from "./walker.mjs";
/**
 * A copy of the bundle whose responses accept numbers as numeric strings and booleans as 0/1;
 * with `options`, also null for optional fields, dates in the account's display format and
 * numeric-string enums as their numbers. Request schemas stay strict.
 */
export declare function loosenResponses<T>(doc: T, options?: LoosenOptions): T;
/** A copy of the bundle with a suffix-less twin of every `.json` path, paths ordered for routing (for the mock). */
export declare function addSuffixlessAliases<T>(doc: T): T;
/** The paths from the least to the most specific, so that Prism picks the most specific match. */
export declare function orderPathsForRouting<T>(doc: T): T;
/** What loosenResponses widens beyond numbers and booleans (each off by default). */
export interface LoosenOptions {
  /** Optional response fields may also be null. */
  nullOptional?: boolean;
  /** Response dates may also come in the account's display format (`15/06/2026`, `06/15/2026 14:32`). */
  accountDates?: boolean;
  /** A string enum or const of numeric codes (`["0", "1"]`) may also come as the numbers. */
  numericCodes?: boolean;
}
/** Names of the properties that some schema requires while composing another with allOf, by the composed schema's $ref. */
export declare function requiredByComposers(doc: any): Map<string, Set<string>>;
/** The component schema names a value refers to (directly). */
export declare function schemaRefsIn(value: unknown): Set<string>;
/** Component schema names reachable from `roots`, following schema refs transitively. */
export declare function reachableSchemas(doc: any, roots: Iterable<string>): Set<string>;
/** Widens one schema node in place the way a loose server sends scalars (numbers as numeric strings, booleans as 0/1). */
export declare function widenNode(node: any, options?: { numericCodes?: boolean }): void;
/** Makes the optional properties of an object schema nullable, in place; `required` adds names that stay as they are. */
export declare function nullOptional(node: any, required?: string[]): void;
export declare const internals: {
  widenNode(node: any): void;
  reachable(doc: any, roots: Iterable<string>): Set<string>;
};
