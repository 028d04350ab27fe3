/** One request of the corpus, as a public integration sends it. */
export interface CorpusFixture {
  /** "<owner>__<repo>/<case>" */
  id: string;
  /** The fixture's file. */
  file: string;
  source: { repository: string; commit: string; file: string; where: string };
  summary: string;
  request: {
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    /** The path as the integration calls it, with or without `.json`. */
    path: string;
    /** The query string, without its `?`. */
    query?: string;
    headers: Record<string, string>;
    encoding: "none" | "json";
    body?: unknown;
    /** Fields of the body that the operation's request schema does not declare ("Invoice.site_id"). */
    undeclared?: string[];
  };
  response?: {
    /** Fields the integration reads from the success body ("data[].Client.email"; "a | b" when either will do). */
    reads?: string[];
    /** Fields it reads that the documented response does not have, each with what goes wrong. */
    misreads?: Record<string, string>;
  };
  outcome: "accepted" | "refused";
  /** What is wrong with the integration's request or reading. */
  bug?: string;
  /** Why the request is outside the vendor's documented API. */
  undocumented?: string;
  note?: string;
}
export declare function corpusDir(api: string): string;
export declare function fixtureProblems(fixture: unknown, folder: string): string[];
export declare function readCorpus(api: string): CorpusFixture[];
export declare function corpusRequest(fixture: CorpusFixture, baseUrl: string): { url: string; init: RequestInit };
