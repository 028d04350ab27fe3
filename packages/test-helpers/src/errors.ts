// What tests ask of an error: whether a call failed, and everything a user or a log could show
// of the error (to check that no credential is in it).
import { inspect } from "node:util";

/** The rejection of a promise (undefined when it resolved). */
export const failure = (promise: Promise<unknown>): Promise<(Error & Record<string, unknown>) | undefined> =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error & Record<string, unknown>,
  );

/** Everything a user or a log could show of an error: message, stack, JSON and util.inspect. */
export const shown = (error: unknown): string =>
  [
    String((error as Error)?.message),
    String((error as Error)?.stack),
    JSON.stringify(error),
    inspect(error, { depth: null }),
  ].join("\n");
