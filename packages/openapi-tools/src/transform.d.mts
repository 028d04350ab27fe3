export { HTTP_METHODS } from "./walker.mjs";
/** A copy of the bundle whose responses accept numbers as numeric strings and booleans as 0/1. */
export declare function loosenResponses<T>(doc: T): T;
/** A copy of the bundle with a suffix-less twin of every `.json` path, paths ordered for routing (for the mock). */
export declare function addSuffixlessAliases<T>(doc: T): T;
/** The paths from the least to the most specific, so that Prism picks the most specific match. */
export declare function orderPathsForRouting<T>(doc: T): T;
/** The request coercions a description may opt into with `x-mock-coercions`, each with its evidence. */
export declare const MOCK_COERCIONS: Record<"numeric-strings" | "flag-numbers" | "null-optional" | "date-only", string>;
/** The mock's copy of a bundle, its request side widened by the rules the document opts into. */
export declare function coerceRequestsForMock<T>(doc: T): T;
export declare const internals: {
  widenNode(node: any): void;
  reachable(doc: any, roots: Iterable<string>): Set<string>;
};
