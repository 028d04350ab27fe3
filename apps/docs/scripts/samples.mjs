// Code samples for every operation, generated from the bundle at build time: TypeScript with
// the API's typed client, and curl. The request of each sample is built from the operation's
// own examples (the same builder the contract tests use), so a sample is a request the mock
// accepts. The TypeScript samples are also written to one file that CI type-checks against
// the client package, so they cannot drift from the client.
import { authKindOf, deref, operationsOf, primarySchemeOf, propertiesOf } from "@mizan/openapi-tools";
import { exampleRequest } from "@mizan/openapi-tools/examples";
import { bracketQuery } from "@mizan/client-core";
import { clientOf } from "@mizan/spec";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { format } from "prettier";

const require = createRequire(import.meta.url);

/**
 * The client package of an API, by the repository's convention (@mizan/spec's clientOf):
 * `@mizan/<api>-client` exporting `create<Api>Client({ baseUrl, auth })`. APIs without one get
 * curl samples only.
 */
export function clientFor(api) {
  const { packageName, factory } = clientOf(api);
  return { packageName, factory };
}

/**
 * The folder of an API's client package when it is a dependency of this app (then the API has
 * TypeScript samples), else undefined.
 */
export function clientPackageDir(api) {
  try {
    return path.dirname(require.resolve(`${clientFor(api).packageName}/package.json`));
  } catch {
    return undefined;
  }
}

/** The server URL with every variable at its default: https://your-account.daftra.com */
export function serverUrl(doc) {
  const server = doc.servers?.[0] ?? { url: "https://api.example.com" };
  return server.url.replace(/\{([^}]+)\}/g, (_m, name) => server.variables?.[name]?.default ?? name);
}

/**
 * Where a sample's client connects. A client whose options name the server's free variables
 * (Daftra's `subdomain`; a variable with an enum, such as its `domain`, stays at its default)
 * is given those, as its README teaches; any other gets `baseUrl`, the server URL.
 */
export function connectionOptions(api, doc) {
  const free = Object.entries(doc.servers?.[0]?.variables ?? {}).filter(([, v]) => !v.enum);
  const dir = clientPackageDir(api);
  if (free.length && dir) {
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    const types = readFileSync(path.join(dir, manifest.types), "utf8");
    if (free.every(([name]) => new RegExp(`^\\s*${name}\\??: string`, "m").test(types)))
      return Object.fromEntries(free.map(([name, v]) => [name, v.default]));
  }
  return { baseUrl: serverUrl(doc) };
}

/** How a sample authenticates, from the operation's effective security. */
function credential(doc, security) {
  const kind = authKindOf(doc, security);
  const scheme = primarySchemeOf(doc, security);
  // A header that carries a token behind a prefix (VMSAlpha: `Authorization: Token <token>`).
  if (kind.startsWith("header:") && scheme.tokenPrefix) {
    return {
      header: scheme.name,
      value: `${scheme.tokenPrefix} YOUR_ACCESS_TOKEN`,
      auth: { accessToken: "YOUR_ACCESS_TOKEN" },
    };
  }
  if (kind.startsWith("header:"))
    return { header: scheme.name, value: "YOUR_API_KEY", auth: { apiKey: "YOUR_API_KEY" } };
  if (kind === "bearer")
    return { header: "Authorization", value: "Bearer YOUR_ACCESS_TOKEN", auth: { accessToken: "YOUR_ACCESS_TOKEN" } };
  if (kind === "basic")
    return {
      header: "Authorization",
      value: "Basic BASE64(CLIENT_ID:CLIENT_SECRET)",
      auth: { basic: { username: "CLIENT_ID", password: "CLIENT_SECRET" } },
    };
  return undefined;
}

const indent = (text, by) => text.replace(/\n/g, `\n${" ".repeat(by)}`);
const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

function fillPath(template, values) {
  return template.replace(/\{([^}]+)\}/g, (_m, name) => encodeURIComponent(String(values[name] ?? name)));
}

// Written as the client writes it: nested values (v2 filters) in bracket form.
function queryString(query) {
  const text = bracketQuery(query);
  return text ? `?${text}` : "";
}

/**
 * The sample request of an operation: its required parameters, plus its bracket-form query
 * parameters (deepObject: v2 filter and sort), which are optional but are what a reader
 * comes to see. `nestedQuery`: the client needs the bracket query serialiser for it.
 */
function sampleRequest(doc, entry) {
  const request = exampleRequest(doc, entry, { optional: false });
  const nested = entry.parameters.filter((p) => p.in === "query" && p.style === "deepObject").map((p) => p.name);
  if (!nested.length) return { ...request, nestedQuery: false };
  const full = exampleRequest(doc, entry, { optional: true });
  for (const name of nested)
    if (full.params.query[name] !== undefined) request.params.query[name] = full.params.query[name];
  return { ...request, nestedQuery: nested.some((name) => request.params.query[name] !== undefined) };
}

/** The client's options in a sample, with the bracket query serialiser when the call needs it. */
function clientOptions(options, nestedQuery) {
  const text = JSON.stringify(options).replace(/"(\w+)":/g, "$1: ");
  return nestedQuery ? `${text.slice(0, -1)}, querySerializer }` : text;
}

/** Form fields as curl -F flags (multipart; binary fields as file uploads) or --data-urlencode flags. */
function formFlags(doc, schema, body, flag) {
  const props = propertiesOf(doc, schema);
  return Object.entries(body ?? {}).map(([k, v]) => {
    if (flag === "-F" && deref(doc, props[k])?.format === "binary")
      return `${flag} ${shellQuote(`${k}=@/path/to/${k}`)}`;
    return `${flag} ${shellQuote(`${k}=${typeof v === "object" ? JSON.stringify(v) : v}`)}`;
  });
}

export function curlSample(doc, entry) {
  const { params, body, contentType } = sampleRequest(doc, entry);
  const cred = credential(doc, entry.security);
  const query = queryString(params.query);
  const url = `${serverUrl(doc)}${fillPath(entry.path, params.path)}${query}`;
  // -g: brackets in the query are literal, not curl's URL globbing.
  const lines = [`curl${/[[\]]/.test(query) ? " -g" : ""} -X ${entry.method.toUpperCase()} ${shellQuote(url)}`];
  if (cred) lines.push(`-H ${shellQuote(`${cred.header}: ${cred.value}`)}`);
  for (const [k, v] of Object.entries(params.header)) lines.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  if (body !== undefined) {
    const schema = entry.requestBody.content[contentType].schema;
    if (contentType === "multipart/form-data") lines.push(...formFlags(doc, schema, body, "-F"));
    else if (contentType === "application/x-www-form-urlencoded")
      lines.push(...formFlags(doc, schema, body, "--data-urlencode"));
    else lines.push(`-H 'Content-Type: ${contentType}'`, `-d ${shellQuote(JSON.stringify(body))}`);
  }
  return lines.join(" \\\n  ");
}

/** The statement(s) of a TypeScript sample, without imports; `client` is the typed client. */
export function typescriptCall(doc, entry) {
  const { params, body, contentType } = sampleRequest(doc, entry);
  const init = [];
  const p = {};
  if (Object.keys(params.path).length) p.path = params.path;
  if (Object.keys(params.query).length) p.query = params.query;
  if (Object.keys(params.header).length) p.header = params.header;
  if (Object.keys(p).length) init.push(`params: ${JSON.stringify(p)}`);
  if (body !== undefined) init.push(`body: ${indent(JSON.stringify(body, null, 2), 2)}`);
  if (contentType === "multipart/form-data") init.push("bodySerializer: toFormData");
  else if (contentType === "application/x-www-form-urlencoded") init.push("bodySerializer: toUrlEncoded");
  const args = init.length ? `, {\n  ${init.join(",\n  ")},\n}` : "";
  return [
    `const { data, error } = await client.${entry.method.toUpperCase()}(${JSON.stringify(entry.path)}${args});`,
    // What to do with the answer: an error answer (without throwOnError) is in `error`.
    "if (error) console.error(error);",
    "else console.log(data);",
  ].join("\n");
}

export function typescriptSample(api, doc, entry) {
  const { packageName, factory } = clientFor(api);
  const cred = credential(doc, entry.security);
  const contentType = entry.requestMediaType;
  const helper =
    contentType === "multipart/form-data"
      ? ", toFormData"
      : contentType === "application/x-www-form-urlencoded"
        ? ", toUrlEncoded"
        : "";
  const options = { ...connectionOptions(api, doc), ...(cred ? { auth: cred.auth } : {}) };
  const { nestedQuery } = sampleRequest(doc, entry);
  return [
    `import { ${factory}${helper}${nestedQuery ? ", querySerializer" : ""} } from ${JSON.stringify(packageName)};`,
    "",
    `const client = ${factory}(${clientOptions(options, nestedQuery)});`,
    typescriptCall(doc, entry),
  ].join("\n");
}

/**
 * The sample languages of an API's reference, in the order the sample panel shows them:
 * TypeScript first when the API has a client, then curl. Redoc shows only the x-codeSamples
 * whose language is in its `codeSamples.languages` option (whose default list starts with curl
 * and has no TypeScript), so the build passes this same list to Redoc.
 */
export function sampleLanguages({ hasClient }) {
  return [...(hasClient ? [{ lang: "TypeScript", label: "TypeScript" }] : []), { lang: "curl", label: "curl" }];
}

const SAMPLE_SOURCES = {
  TypeScript: (api, doc, entry) => typescriptSample(api, doc, entry),
  curl: (_api, doc, entry) => curlSample(doc, entry),
};

/**
 * A TypeScript sample laid out by Prettier (pinned in this app), at a width that fits the
 * reference's sample panel, instead of one long line per call.
 */
export const SAMPLE_WIDTH = 64;
export function formatTypescript(source) {
  return format(source, { parser: "typescript", printWidth: SAMPLE_WIDTH });
}

/** Formats the TypeScript sample of every operation in place (Prettier is asynchronous). */
export async function formatCodeSamples(doc) {
  for (const entry of operationsOf(doc)) {
    for (const sample of entry.op["x-codeSamples"] ?? [])
      if (sample.lang === "TypeScript") sample.source = (await formatTypescript(sample.source)).trimEnd();
  }
  return doc;
}

/** Adds x-codeSamples (TypeScript when the API has a client, and curl) to every operation. */
export function addCodeSamples(api, doc, { hasClient }) {
  const languages = sampleLanguages({ hasClient });
  for (const entry of operationsOf(doc)) {
    entry.op["x-codeSamples"] = languages.map((language) => ({
      ...language,
      source: SAMPLE_SOURCES[language.lang](api, doc, entry),
    }));
  }
  return doc;
}

/**
 * All TypeScript samples of an API as one module that `tsc --noEmit` checks against the client:
 * each sample becomes a function, so each has its own scope.
 */
export function typescriptSamplesModule(api, doc) {
  const { packageName, factory } = clientFor(api);
  const bodies = [];
  for (const entry of operationsOf(doc)) {
    const cred = credential(doc, entry.security);
    const options = { ...connectionOptions(api, doc), ...(cred ? { auth: cred.auth } : {}) };
    bodies.push(
      "",
      `// ${entry.key}`,
      `export async function ${entry.op.operationId}() {`,
      `  const client = ${factory}(${clientOptions(options, sampleRequest(doc, entry).nestedQuery)});`,
      `  ${indent(typescriptCall(doc, entry), 2)}`,
      "  return { data, error };",
      "}",
    );
  }
  const code = bodies.join("\n");
  const helpers = ["toFormData", "toUrlEncoded"].filter((h) => code.includes(`bodySerializer: ${h}`));
  if (code.includes("querySerializer }")) helpers.push("querySerializer");
  return `${[
    `// Generated by apps/docs/scripts/samples.mjs from spec/dist/${api}.json: the TypeScript code samples of the`,
    "// reference, type-checked against the client. Do not edit.",
    `import { ${[factory, ...helpers].join(", ")} } from ${JSON.stringify(packageName)};`,
  ].join("\n")}\n${code}\n`;
}
