// A typed client for EnKash's Account Receivable API. The description it is generated from is
// partial (see its info.description): only operations whose method and path are confirmed.
// The token endpoint takes HTTP Basic with the client id and secret; the AR operations take the
// Bearer token (an assumption, labelled in the spec). Which operation takes which comes from
// the spec (`operationAuth`), not from a list kept here.
import { checkBaseUrl, specMiddleware } from "@mizan/client-core";
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./generated/enkash-ar.js";
import { operationAuth, urlencodedOperations } from "./generated/operations.js";

export type { components, paths };
export { toFormData, toUrlEncoded } from "@mizan/client-core";
export type EnkashArClient = Client<paths>;

export interface EnkashAuth {
  /** Client id and secret, sent as HTTP Basic to the token endpoint. */
  basic?: { username: string; password: string };
  /** The access token from `POST /oauth/token`, sent as Bearer to the AR operations. */
  accessToken?: string;
}

export interface EnkashArClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** The AR host. EnKash does not publish it; ask EnKash for your UAT and live URLs. */
  baseUrl: string;
  auth?: EnkashAuth;
}

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

export function createEnkashArClient(options: EnkashArClientOptions): EnkashArClient {
  const { baseUrl, auth, ...rest } = options;
  if (auth?.basic && (!auth.basic.username || !auth.basic.password)) {
    throw new TypeError("`auth.basic` needs the client id as `username` and the client secret as `password`.");
  }
  if (auth?.accessToken !== undefined && (typeof auth.accessToken !== "string" || !auth.accessToken)) {
    throw new TypeError("`auth.accessToken` must be a non-empty string.");
  }
  const client = createClient<paths>({ ...rest, baseUrl: checkBaseUrl(baseUrl) });
  const basic = auth?.basic && `Basic ${base64(`${auth.basic.username}:${auth.basic.password}`)}`;
  client.use(
    specMiddleware({ operationAuth, urlencodedOperations }, (kind) =>
      kind === "basic" && basic ? ["authorization", basic] : kind === "bearer" && auth?.accessToken ? ["authorization", `Bearer ${auth.accessToken}`] : undefined,
    ),
  );
  return client;
}
