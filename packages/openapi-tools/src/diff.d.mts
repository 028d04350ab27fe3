export type ChangeSide = "request" | "response";

export interface ApiChange {
  /** True when callers' code or a generated client may stop working (a major version of its client). */
  breaking: boolean;
  /** e.g. "operation-removed", "field-required", "enum-widened", "security-changed". */
  kind: string;
  /** "METHOD /path". */
  operation: string;
  /** Where in the operation: "parameter id (path)", "response 200 application/json.data.name"... */
  location: string;
  message: string;
}

export declare function diffDocuments(oldDoc: any, newDoc: any): ApiChange[];
export declare function breakingChanges(oldDoc: any, newDoc: any): ApiChange[];
export declare function changelogMarkdown(changes: ApiChange[], options?: { title?: string }): string;
