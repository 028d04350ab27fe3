// Small OpenAPI documents that tests build their cases on.

/** A JSON Schema or a $ref, as a test writes it. */
export type Schema = Record<string, unknown>;

/**
 * An OpenAPI 3.1 document with one operation, POST /things, taking `request` as its JSON body
 * and answering 200 with `response`; `schemas` become its components.
 */
export const postThings = (request: Schema, response: Schema, schemas: Record<string, Schema> = {}) => ({
  openapi: "3.1.0" as const,
  paths: {
    "/things": {
      post: {
        requestBody: { content: { "application/json": { schema: request } } },
        responses: {
          200: { description: "ok", content: { "application/json": { schema: response } } } as Record<string, unknown>,
        },
      },
    },
  },
  components: { schemas },
});
