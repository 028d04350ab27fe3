export interface OperationEntry {
  key: string;
  path: string;
  method: string;
  op: any;
  pathItem: any;
}
export declare function operationsOf(doc: any): OperationEntry[];
export declare function deref(doc: any, node: any): any;
export declare function examplesOf(doc: any): { where: string; schema: any; value: unknown }[];
export declare function undeclaredFields(doc: any, schema: any, value: unknown, at?: string): string[];
export declare function schemaValidator(doc: any): (schema: any, value: unknown) => string[];
export declare function exampleProblems(doc: any): string[];
export declare function exampleRequest(
  doc: any,
  entry: { op: any; pathItem: any },
  options?: { optional?: boolean },
): { params: { path: Record<string, unknown>; query: Record<string, unknown>; header: Record<string, unknown> }; body: unknown; contentType?: string };
