export type ChangeSide = "request" | "response";

export interface ApiChange {
  /** True when callers' code or a generated client may stop working. */
  breaking: boolean;
  /** e.g. "operation-removed", "field-required", "enum-widened", "security-changed". */
  kind: string;
  /** "METHOD /path". */
  operation: string;
  /** Where in the operation: "parameter id (path)", "response 200 application/json.data.name"... */
  location: string;
  message: string;
}

export interface ApiGateResult {
  name: string;
  /** `@mizan/<api>-client`. */
  clientPackage: string;
  changes: ApiChange[];
  breaking: ApiChange[];
  /** A pending changeset bumps the client package by major. */
  majorPending: boolean;
  ok: boolean;
}

export declare function diffDocuments(oldDoc: any, newDoc: any): ApiChange[];
export declare function breakingChanges(oldDoc: any, newDoc: any): ApiChange[];
export declare function changelogMarkdown(changes: ApiChange[], options?: { title?: string }): string;
export declare function pendingBumps(dir: string): Map<string, "major" | "minor" | "patch">;
export declare function clientPackageOf(apiName: string): string;
export declare function gateApi(input: { name: string; released: any; current: any; changesetDir: string }): ApiGateResult;
