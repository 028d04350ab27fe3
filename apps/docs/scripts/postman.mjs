// A Postman collection per API, converted from its bundle at build time by Postman's own
// converter (openapi-to-postmanv2): one request per operation, in a folder per tag, with the
// examples of the description as request values. The converter refers to the credentials as
// variables ({{apiKey}}, {{bearerToken}}, ...) without declaring them; they are declared here,
// empty, so a user sets them once on the collection (or in an environment) and none is shipped.
import { createRequire } from "node:module";
import { primarySchemeOf } from "@mizan/openapi-tools";

const require = createRequire(import.meta.url);
const Converter = require("openapi-to-postmanv2");

const OPTIONS = {
  folderStrategy: "Tags",
  requestParametersResolution: "Example",
  exampleParametersResolution: "Example",
  includeAuthInfoInExample: false,
};

/** Every `{{name}}` an auth block refers to. */
function variablesOf(auth) {
  return [...JSON.stringify(auth ?? null).matchAll(/\{\{([^{}]+)\}\}/g)].map((m) => m[1]);
}

/** Every request of a collection, through its folders. */
export function requestsOf(collection) {
  return (collection.item ?? []).flatMap((item) => (item.item ? requestsOf(item) : [item]));
}

/** The collection of an API (Postman collection v2.1), from its bundle. */
export async function postmanCollection(doc) {
  const result = await new Promise((resolve, reject) =>
    Converter.convert({ type: "json", data: structuredClone(doc) }, OPTIONS, (error, converted) =>
      error ? reject(error) : resolve(converted),
    ),
  );
  if (!result.result) throw new Error(`openapi-to-postmanv2: ${result.reason}`);
  const collection = result.output[0].data;
  // A header that carries a token behind a prefix (VMSAlpha: `Authorization: Token <token>`).
  const prefix = primarySchemeOf(doc, doc.security ?? [])?.tokenPrefix;
  if (prefix && collection.auth?.type === "apikey") {
    for (const entry of collection.auth.apikey) if (entry.key === "value") entry.value = `${prefix} ${entry.value}`;
  }
  const declared = new Set((collection.variable ?? []).map((v) => v.key));
  const credentials = [
    ...new Set([collection.auth, ...requestsOf(collection).map((r) => r.request.auth)].flatMap(variablesOf)),
  ];
  collection.variable = [
    ...(collection.variable ?? []),
    ...credentials
      .filter((name) => !declared.has(name))
      .map((key) => ({
        key,
        value: "",
        type: "string",
        description:
          "Your credential: set it here or in a Postman environment; never share a collection that holds it.",
      })),
  ];
  return collection;
}
