import type { OperationEntry } from "./walker.mjs";

export { deref, operationsOf } from "./walker.mjs";
export type { OperationEntry } from "./walker.mjs";
export declare function examplesOf(doc: any): { where: string; schema: any; value: unknown }[];
/**
 * A function giving the paths of the fields in a value no (sub)schema declares. With `forReading`,
 * where a branch names the record's fields without allowing others, only those count (what a
 * reader may rely on).
 */
export declare function undeclaredFieldsOf(
  doc: any,
  schema: any,
  options?: { forReading?: boolean },
): (value: unknown, at?: string) => string[];
export declare function undeclaredFields(
  doc: any,
  schema: any,
  value: unknown,
  at?: string,
  options?: { forReading?: boolean },
): string[];
export declare function documentSchemaCompiler(
  doc: any,
  ajvOptions?: Record<string, unknown>,
): (schema: any) => import("ajv").ValidateFunction;
export declare function schemaValidator(doc: any): (schema: any, value: unknown) => string[];
export declare function exampleProblems(doc: any): string[];
export declare function exampleRequest(
  doc: any,
  entry: Pick<OperationEntry, "parameters" | "requestBody" | "requestMediaType">,
  options?: { optional?: boolean },
): {
  params: { path: Record<string, unknown>; query: Record<string, unknown>; header: Record<string, unknown> };
  body: unknown;
  contentType?: string;
};
