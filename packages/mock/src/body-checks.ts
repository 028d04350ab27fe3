// Checks of a request's body and its Content-Type made before anything parses them recursively,
// so no body, however built, can crash the mock's parsers (or Prism's) with a 500.

/**
 * How deep a JSON body may nest (objects and arrays). Real requests of these APIs nest a few
 * levels; recursive validators and mergers overflow the stack in the thousands.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether an Accept header is a list of media ranges (any, `text/` any, `application/json;q=0.9`), empty ones allowed. */
export function isMediaRangeList(header: string): boolean {
  return header.split(",").every((range) => range.trim() === "" || isMediaType(range));
}

/**
 * The depth at which a JSON text passes `maxDepth`, or undefined: one pass over the characters,
 * no recursion and no parsing (strings are skipped with their escapes).
 */
export function jsonDepthBeyond(text: string, maxDepth = MAX_JSON_DEPTH): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^\\s*${TOKEN}/${TOKEN}\\s*(;.*)?$`, "s");

/** Whether a Content-Type header is a media type (`type/subtype`, parameters after `;`), as RFC 9110 §8.3.1 writes it. */
export function isMediaType(header: string): boolean {
  return MEDIA_TYPE.test(header);
}

/** A multipart body the platform's parser cannot read. */
export class MultipartError extends Error {
  override name = "MultipartError";
}

/** A form field name written so that naive part parsers read it whole: `;`, `"`, `=` and line breaks percent-encoded (Prism decodes names). */
const safeName = (name: string) => (/[;"=\r\n%]/.test(name) ? encodeURIComponent(name) : name);

/**
 * A multipart body rewritten in the plainest form, with the request's own boundary: read with the
 * platform's parser (undici, as fetch does), then each part written as
 * `Content-Disposition: form-data; name="..."` (and `filename="file"` plus a Content-Type for
 * files, application/octet-stream where none was given, RFC 7578 §4.4). Prism's part parser
 * splits the header on `;` and needs a Content-Type for every file: a part with a filename and
 * no Content-Type, or a `;` in a name, made it throw (a 500). Throws MultipartError when the
 * body cannot be read at all.
 */
export async function canonicalMultipart(text: string, contentType: string): Promise<string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (!delimiter) return text; // Prism answers a missing boundary itself (415).
  let form: FormData;
  try {
    form = await new Response(text, { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw new MultipartError(`The multipart body could not be read: ${(error as Error).message}`);
  }
  const parts: string[] = [];
  for (const [name, value] of form) {
    if (typeof value === "string")
      parts.push(`--${delimiter}\r\nContent-Disposition: form-data; name="${safeName(name)}"\r\n\r\n${value}\r\n`);
    else
      parts.push(
        `--${delimiter}\r\nContent-Disposition: form-data; name="${safeName(name)}"; filename="file"\r\nContent-Type: ${isMediaType(value.type) ? value.type : "application/octet-stream"}\r\n\r\n${await value.text()}\r\n`,
      );
  }
  return `${parts.join("")}--${delimiter}--\r\n`;
}
