/** Any @mizan client, as the generated tests call it: by method and path, untyped. */
export type AnyClient = {
  request(
    method: string,
    url: string,
    init?: Record<string, unknown>,
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  toError?(response: Response, body: unknown, context: { method: string; path: string }): Error;
};
