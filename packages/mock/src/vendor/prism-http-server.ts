// Two small functions of Stoplight Prism's HTTP server, vendored so the mock depends only on
// the public API of Prism's packages (these two are not exported by @stoplight/prism-http-server).
//
// Adapted from @stoplight/prism-http-server 5.12.2, dist/getHttpConfigFromRequest.js and
// dist/serialize.js (https://github.com/stoplightio/prism, packages/http-server/src/).
// Copyright Stoplight, Inc. Licensed under the Apache License, Version 2.0 (the "License"); you
// may not use this file except in compliance with the License. You may obtain a copy of the
// License at http://www.apache.org/licenses/LICENSE-2.0. Unless required by applicable law or
// agreed to in writing, software distributed under the License is distributed on an "AS IS"
// BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
// License for the specific language governing permissions and limitations under the License.
//
// Changes: rewritten in TypeScript without fp-ts, io-ts, type-is, fast-xml-parser and
// parse-prefer-header (MIT; its parsing rules are kept: comma-separated preferences, `;`
// parameters, quoted values, the first value of a name wins); preferences are read into a
// null-prototype object; XML bodies are passed through only as text (no bundle answers XML).
// test/vendor.test.ts compares both with Prism's own on the cases the mock meets.

/** Prism's problem for a request it cannot take (see @stoplight/prism-core's ProblemJsonError). */
export interface PrismProblemJson {
  name: string;
  title: string;
  status: number;
  detail: string;
}

export type HttpConfigResult =
  | { _tag: "Left"; left: PrismProblemJson }
  | { _tag: "Right"; right: { code?: number; exampleKey?: string; dynamic?: boolean; seed?: string } };

interface RequestLike {
  url: { query?: Record<string, string | string[] | undefined> };
  headers?: Record<string, string | string[] | undefined>;
}

/** One preference and its parameters (`name=value; param=value`), as parse-prefer-header reads it. */
function readPreference(into: Record<string, string | true>, preference: string): void {
  let start = 0;
  let quote = false;
  let base: string | undefined;
  for (let i = 0; i <= preference.length; i++) {
    const char = i < preference.length ? preference[i] : ";";
    if (char === '"') quote = !quote;
    else if (char === ";" && !quote) {
      const segment = preference.slice(start, i);
      const eq = segment.indexOf("=");
      let token = (eq < 0 ? segment : segment.slice(0, eq)).trim().toLowerCase();
      let value = eq < 0 ? "" : segment.slice(eq + 1).trim();
      if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (base === undefined) base = token;
      else token = `${base}-${token}`;
      const key = token.replace(/[-_\s]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""));
      if (!(key in into)) into[key] = value.length ? value : true;
      start = i + 1;
    }
  }
}

/** The preferences of a `Prefer` header (RFC 7240), by camel-cased name. */
export function parsePrefer(header: string | string[] | undefined): Record<string, string | true> {
  const result: Record<string, string | true> = Object.create(null);
  const prefer = Array.isArray(header) ? header.join(",") : header;
  if (!prefer) return result;
  let start = 0;
  let quote = false;
  for (let i = 0; i <= prefer.length; i++) {
    const char = i < prefer.length ? prefer[i] : ",";
    if (char === '"') quote = !quote;
    else if (char === "," && !quote) {
      readPreference(result, prefer.slice(start, i));
      start = i + 1;
    }
  }
  return result;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** What a request asks of Prism's mocker: `Prefer: code=, example=, dynamic=, seed=` (or the `__code`... query parameters). */
export function getHttpConfigFromRequest(req: RequestLike): HttpConfigResult {
  const prefer = req.headers?.prefer;
  const query = req.url.query ?? {};
  const preferences: Record<string, unknown> = prefer
    ? parsePrefer(prefer)
    : {
        code: first(query.__code),
        dynamic: first(query.__dynamic),
        seed: first(query.__seed),
        example: first(query.__example),
      };
  const problems: string[] = [];
  const text = (name: string) => {
    const value = preferences[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      problems.push(`optional property "${name}"\n└─ cannot decode ${JSON.stringify(value)}, should be string`);
      return undefined;
    }
    return value;
  };
  const codeText = text("code");
  const code =
    codeText === undefined
      ? undefined
      : /^\d{3}$/.test(codeText)
        ? parseInt(codeText, 10)
        : void problems.push(
            `optional property "code"\n└─ cannot decode ${JSON.stringify(codeText)}, should be a number`,
          );
  const dynamicText = text("dynamic");
  const dynamic =
    dynamicText === undefined
      ? undefined
      : dynamicText === "true"
        ? true
        : dynamicText === "false"
          ? false
          : void problems.push(
              `optional property "dynamic"\n└─ cannot decode ${JSON.stringify(dynamicText)}, should be a boolean`,
            );
  const seed = text("seed");
  const exampleKey = text("example");
  if (problems.length)
    return {
      _tag: "Left",
      left: {
        name: "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY",
        title: "Invalid request",
        status: 422,
        detail: `partial\n${problems.join("\n")}`,
      },
    };
  return { _tag: "Right", right: { code, exampleKey, dynamic, seed } };
}

/** The essence of a media type (`application/json; charset=utf-8` -> `application/json`), or undefined when it is not one. */
function essence(contentType: unknown): string | undefined {
  const type = String(contentType).split(";")[0]!.trim().toLowerCase();
  return /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/.test(type) ? type : undefined;
}

/** A body as the text Prism's server would send for its content type. */
export function serialize(payload: unknown, contentType: unknown): string | undefined {
  if (!contentType && !payload) return undefined;
  const type = contentType ? essence(contentType) : undefined;
  if (type && (type === "application/json" || /^application\/[^/]+\+json$/.test(type))) return JSON.stringify(payload);
  if (type && (type === "application/xml" || /^application\/[^/]+\+xml$/.test(type))) {
    if (typeof payload === "string") return payload;
    throw new Error(`Cannot serialise an object as ${type}: the mock sends XML bodies only as text.`);
  }
  if (type?.startsWith("text/")) {
    if (typeof payload === "string" || payload === undefined) return payload as string | undefined;
    throw Object.assign(new Error("Cannot serialise complex objects as text"), {
      detail: "Cannot serialise complex objects as text",
      status: 500,
      name: "https://stoplight.io/prism/errors#NO_COMPLEX_OBJECT_TEXT",
    });
  }
  if (typeof payload === "string") return payload;
  throw new Error(`Cannot find serializer for ${String(contentType)}`);
}
