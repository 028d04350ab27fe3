export declare const specDir: string;
export declare const distDir: string;
/** spec/released/: the bundles of the last release. */
export declare const releasedDir: string;
export interface ApiEntry {
  /** Name of the API in spec/redocly.yaml, e.g. "daftra". */
  name: string;
  /** The hand-maintained root document. */
  root: string;
  /** spec/dist/<name>.json: the bundle every consumer reads. */
  bundle: string;
  /** spec/dist/<name>.yaml: the same bundle as YAML. */
  bundleYaml: string;
  /** spec/dist/<name>.mock.json: the bundle plus suffix-less path aliases, for the mock. */
  mockBundle: string;
  /** spec/released/<name>.json: the bundle of the last release, for the breaking-change gate. */
  released: string;
}
export declare function listApis(): ApiEntry[];
export declare function getApi(name: string): ApiEntry;
export declare function readBundle(name: string, options?: { mock?: boolean }): any;
/** An API's client package by this repository's convention: `@mizan/<api>-client` in packages/<api>-client, exporting `create<Api>Client`. */
export declare function clientOf(apiName: string): { packageName: string; folder: string; factory: string };
