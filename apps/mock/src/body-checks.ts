// Checks of a request's body and its Content-Type made before anything parses them recursively,
// so no body, however built, can crash the mock's parsers (or Prism's) with a 500.

/**
 * How deep a JSON body may nest (objects and arrays). Real requests of these APIs nest a few
 * levels; recursive validators and mergers overflow the stack in the thousands.
 */
export const MAX_JSON_DEPTH = 64;

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
      if (c === 0x5c) i++; // backslash: skip the escaped character
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

/**
 * A multipart body whose file parts all say their Content-Type: a part with a filename and no
 * Content-Type is `application/octet-stream` (RFC 7578 §4.4), written out so that parsers which
 * expect the header (Prism's) read the part instead of failing on it.
 */
export function withPartTypes(text: string, contentType: string): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const delimiter = boundary?.[1] ?? boundary?.[2];
  if (!delimiter || !/filename=/i.test(text)) return text;
  return text
    .split(`--${delimiter}`)
    .map((part) => {
      const end = part.indexOf("\r\n\r\n");
      if (end < 0) return part;
      const head = part.slice(0, end);
      if (!/filename\*?=/i.test(head) || /(^|\r\n)content-type\s*:/i.test(head)) return part;
      return `${head}\r\nContent-Type: application/octet-stream${part.slice(end)}`;
    })
    .join(`--${delimiter}`);
}
