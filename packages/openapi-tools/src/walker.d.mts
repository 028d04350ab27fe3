export declare const HTTP_METHODS: readonly ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One entry of a security requirement object: scheme name -> scopes. */
export type SecurityRequirement = Record<string, string[]>;

export interface OperationEntry {
  /** "METHOD /path", e.g. "GET /api2/clients.json". */
  key: string;
  path: string;
  method: HttpMethod;
  op: any;
  pathItem: any;
  /** Path-level and operation-level parameters, the operation's winning by name and `in`, dereferenced. */
  parameters: any[];
  /** The effective requirements: the operation's, else the document's, else none. */
  security: SecurityRequirement[];
  /** The dereferenced request body, if any. */
  requestBody: any;
  /** The request body's first (documented) media type. */
  requestMediaType: string | undefined;
}

export interface SchemeInfo {
  /** The scheme's name in components.securitySchemes. */
  key: string;
  type?: string;
  in?: string;
  name?: string;
  scheme?: string;
  /** The `x-token-prefix` extension: the word before the token, e.g. "Token". */
  tokenPrefix?: string;
  [field: string]: unknown;
}

export type AuthKind = "none" | "basic" | "bearer" | `header:${string}` | "other";

export declare function forEachObject(value: unknown, fn: (node: any) => void): void;
export declare function resolveRef(doc: any, ref: string): any;
export declare function deref(doc: any, node: any): any;
export declare function operationsOf(doc: any): OperationEntry[];
export declare function jsonExamples(doc: any, responseOrBody: any): [name: string | undefined, value: unknown][];
export declare function pathTemplateRegex(template: string): RegExp;
export declare function templateSpecificity(template: string): number;
/** An operation with its path's regex and specificity. */
export interface OperationRoute extends OperationEntry {
  regex: RegExp;
  specificity: number;
}
export declare function operationRoutes(doc: any): OperationRoute[];
export declare function routeFor<R extends { method: string; regex: RegExp; specificity: number }>(
  routes: readonly R[],
  method: string,
  path: string,
): R | undefined;
export declare function pathTemplateMatcher(template: string): (path: string) => Record<string, string> | undefined;
export declare function pathTemplateParams(template: string, path: string): Record<string, string> | undefined;
export declare function branches(doc: any, schema: any, options?: { keywords?: readonly string[] }): any[];
export declare function propertiesOf(doc: any, schema: any): Record<string, any>;
export declare function securitySchemeOf(doc: any, name: string): any;
export declare function securityAlternatives(doc: any, security: SecurityRequirement[] | undefined): SchemeInfo[][];
export declare function primarySchemeOf(doc: any, security: SecurityRequirement[] | undefined): SchemeInfo | undefined;
export declare function authKindOf(doc: any, security: SecurityRequirement[] | undefined): AuthKind;
