// The corpus of real integrations' traffic: spec/<api>/corpus/<owner>__<repo>/<case>.json, one
// request per file as a public integration sends it (see spec/daftra/corpus/README.md). This
// module reads and checks the files; the spec tests compare them with the bundle and the mock's
// tests replay them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { getApi, specDir } from "./apis.mjs";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const ENCODINGS = ["none", "json"];
const TOP_KEYS = ["source", "summary", "request", "response", "outcome", "bug", "undocumented", "note"];
const REQUEST_KEYS = ["method", "path", "query", "headers", "encoding", "body", "undeclared"];
// Headers and body fields that carry secrets: a fixture holds placeholders such as <api-key> there.
const SECRET_HEADERS = /^(apikey|authorization)$/i;
const SECRET_FIELDS = /^(password|client_secret|api_?key|access_token|refresh_token)$/i;
const PLACEHOLDER = /^(Bearer )?<[a-z][a-z-]*>$/;

/** The corpus folder of an API (it may not have one). */
export function corpusDir(api) {
  return path.join(path.dirname(getApi(api).root), "corpus");
}

const isText = (v) => typeof v === "string" && v.trim() !== "";

function secretProblems(value, at = "request.body") {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretProblems(v, `${at}.${i}`));
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) => {
    if (SECRET_FIELDS.test(key) && typeof v === "string" && !PLACEHOLDER.test(v))
      return [`${at}.${key} must be a placeholder such as <password>, never a real secret`];
    return secretProblems(v, `${at}.${key}`);
  });
}

/** What is wrong with one fixture (empty when nothing is). `folder` is its directory's name. */
export function fixtureProblems(fixture, folder) {
  if (!fixture || typeof fixture !== "object" || Array.isArray(fixture)) return ["must be a JSON object"];
  const problems = [];
  for (const key of Object.keys(fixture))
    if (!TOP_KEYS.includes(key)) problems.push(`unknown key "${key}" (known: ${TOP_KEYS.join(", ")})`);
  const { source, request, response } = fixture;
  if (!source || typeof source !== "object") problems.push("source is missing");
  else {
    if (!/^[\w.-]+\/[\w.-]+$/.test(source.repository ?? "")) problems.push("source.repository must be owner/name");
    else if (source.repository.replace("/", "__") !== folder)
      problems.push(`source.repository ${source.repository} does not match the folder ${folder} (owner__name)`);
    if (!/^[0-9a-f]{40}$/.test(source.commit ?? ""))
      problems.push("source.commit must be the 40-hex commit the file was read at");
    if (!isText(source.file)) problems.push("source.file is missing");
    if (!isText(source.where)) problems.push("source.where (function or lines) is missing");
  }
  if (!isText(fixture.summary)) problems.push("summary is missing");
  if (!request || typeof request !== "object") return [...problems, "request is missing"];
  for (const key of Object.keys(request))
    if (!REQUEST_KEYS.includes(key)) problems.push(`unknown key "request.${key}"`);
  if (!METHODS.includes(request.method)) problems.push(`request.method must be one of ${METHODS.join(", ")}`);
  if (typeof request.path !== "string" || !request.path.startsWith("/") || request.path.includes("?"))
    problems.push("request.path must start with / and carry no query (that goes in request.query)");
  if (request.query !== undefined && (typeof request.query !== "string" || request.query.startsWith("?")))
    problems.push("request.query must be the query string without its ?");
  if (
    !request.headers ||
    typeof request.headers !== "object" ||
    Object.values(request.headers).some((v) => typeof v !== "string")
  )
    problems.push("request.headers must map names to strings");
  else
    for (const [name, value] of Object.entries(request.headers))
      if (SECRET_HEADERS.test(name) && !PLACEHOLDER.test(value))
        problems.push(
          `request.headers.${name} must be a placeholder such as <api-key> or Bearer <access-token>, never a real credential`,
        );
  if (!ENCODINGS.includes(request.encoding))
    problems.push(`request.encoding must be one of ${ENCODINGS.join(", ")} (the corpus has no other yet)`);
  if ((request.encoding === "json") !== "body" in request)
    problems.push("request.body goes with encoding json, and only with it");
  problems.push(...secretProblems(request.body));
  if (request.undeclared !== undefined && (!Array.isArray(request.undeclared) || !request.undeclared.every(isText)))
    problems.push("request.undeclared must list field paths");
  if (response !== undefined) {
    if (!response || typeof response !== "object") problems.push("response must be an object");
    else {
      for (const key of Object.keys(response))
        if (!["reads", "misreads"].includes(key)) problems.push(`unknown key "response.${key}"`);
      if (response.reads !== undefined && (!Array.isArray(response.reads) || !response.reads.every(isText)))
        problems.push("response.reads must list field paths");
      if (
        response.misreads !== undefined &&
        (typeof response.misreads !== "object" || !Object.values(response.misreads).every(isText))
      )
        problems.push("response.misreads must map field paths to reasons");
    }
  }
  if (fixture.outcome === "refused") {
    if (isText(fixture.bug) === isText(fixture.undocumented))
      problems.push(
        "a refused request needs exactly one reason: bug (the integration is wrong) or undocumented (the vendor documents no such operation)",
      );
  } else if (fixture.outcome === "accepted") {
    if (fixture.undocumented !== undefined) problems.push("an accepted request cannot be undocumented");
    if (fixture.bug !== undefined && !isText(fixture.bug)) problems.push("bug must say what is wrong");
  } else problems.push('outcome must be "accepted" or "refused"');
  if (fixture.note !== undefined && !isText(fixture.note)) problems.push("note must be text");
  return problems;
}

/**
 * Every fixture of an API's corpus, checked, as { id: "<folder>/<case>", file, ...fixture }.
 * Throws one error listing every problem of every bad file.
 */
export function readCorpus(api) {
  const dir = corpusDir(api);
  if (!existsSync(dir)) return [];
  const fixtures = [];
  const problems = [];
  for (const folder of readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    for (const name of readdirSync(path.join(dir, folder))
      .filter((n) => n.endsWith(".json"))
      .sort()) {
      const file = path.join(dir, folder, name);
      const where = path.relative(specDir, file);
      let fixture;
      try {
        fixture = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        problems.push(`${where}: not valid JSON (${error.message})`);
        continue;
      }
      const found = fixtureProblems(fixture, folder);
      if (found.length) problems.push(...found.map((p) => `${where}: ${p}`));
      else fixtures.push({ id: `${folder}/${name.slice(0, -".json".length)}`, file, ...fixture });
    }
  }
  if (problems.length) throw new Error(`The ${api} corpus has bad fixtures:\n${problems.join("\n")}`);
  return fixtures;
}

/** The URL and fetch options that replay a fixture's request against `baseUrl`. */
export function corpusRequest(fixture, baseUrl) {
  const { method, path: pathname, query, headers, encoding, body } = fixture.request;
  const url = `${baseUrl.replace(/\/$/, "")}${pathname}${query ? `?${query}` : ""}`;
  return { url, init: { method, headers, ...(encoding === "json" ? { body: JSON.stringify(body) } : {}) } };
}
