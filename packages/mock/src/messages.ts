// The reasons the mock gives for a refused field, written as the vendor writes them (Daftra's
// documented 400: `"business_name": "This field is required"`, `"email": "Please enter a valid
// email address"`): one sentence per field, named by the field, instead of the validator's
// "minLength: Request body property Client.business_name must NOT have fewer than 1 characters".

/** One validator finding about a request, as Prism reports it (an AJV keyword and its message). */
export interface FieldViolation {
  location: (string | number)[];
  code: string | number;
  message: string;
}

const TYPE_WORDS: Record<string, string> = {
  integer: "Please enter a whole number",
  number: "Please enter a number",
  string: "Please enter text",
  boolean: "Please enter true or false",
  array: "Please send a list of values",
  object: "Please send an object of named fields",
  null: "Please leave this field empty",
};
const FORMAT_WORDS: Record<string, string> = {
  email: "Please enter a valid email address",
  date: "Please enter a valid date (YYYY-MM-DD)",
  "date-time": "Please enter a valid date and time (YYYY-MM-DDTHH:MM:SS)",
  time: "Please enter a valid time (HH:MM:SS)",
  uri: "Please enter a valid URL",
  url: "Please enter a valid URL",
  uuid: "Please enter a valid UUID",
};

/** Which finding says most about a field, when the validator gives several (the branches of an anyOf, say). */
const RANK = [
  "required",
  "type",
  "format",
  "enum",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "pattern",
  "additionalProperties",
  "unevaluatedProperties",
];
const rankOf = (code: string | number) => {
  const i = RANK.indexOf(String(code));
  return i < 0 ? RANK.length : i;
};

/** The field a finding is about: the path below the body, query or path, without a CakePHP model wrapper (`Client.`), and the missing property itself for `required`. */
export function fieldOf(v: FieldViolation): string {
  const where = v.location.slice(2).map(String);
  const missing = v.code === "required" ? /property '([^']+)'/.exec(v.message)?.[1] : undefined;
  const path = [...where, ...(missing ? [missing] : [])];
  if (path.length > 1 && /^[A-Z]/.test(path[0]!)) path.shift();
  return path.join(".") || String(v.location[1] ?? "request");
}

/** A finding as a person would say it. */
export function reasonOf(v: FieldViolation): string {
  const code = String(v.code);
  const text = v.message;
  const number = (pattern: RegExp) => pattern.exec(text)?.[1];
  switch (code) {
    case "required":
      return "This field is required";
    case "type": {
      const type = number(/must be (\w+)/);
      return (type && TYPE_WORDS[type]) ?? "Please enter a value of the right type";
    }
    case "format": {
      const format = number(/format "([^"]+)"/);
      return (format && FORMAT_WORDS[format]) ?? `Please enter a valid ${format ?? "value"}`;
    }
    case "enum": {
      // The mock's coercions list a value both as a number and as text ("2, 3, 2, 3, "): say each once.
      const allowed = [
        ...new Set(
          (number(/allowed values: (.*)$/) ?? "")
            .split(",")
            .map((v) => v.trim())
            .filter(Boolean),
        ),
      ];
      return allowed.length ? `Please choose one of: ${allowed.join(", ")}` : "Please choose one of the allowed values";
    }
    case "minLength": {
      const n = Number(number(/fewer than (\d+)/));
      return n <= 1 ? "This field cannot be left empty" : `Please enter at least ${n} characters`;
    }
    case "maxLength":
      return `Please enter at most ${number(/more than (\d+)/)} characters`;
    case "minimum":
      return `Please enter a number of at least ${number(/>= ?(-?[\d.]+)/)}`;
    case "maximum":
      return `Please enter a number of at most ${number(/<= ?(-?[\d.]+)/)}`;
    case "exclusiveMinimum":
      return `Please enter a number greater than ${number(/> ?(-?[\d.]+)/)}`;
    case "exclusiveMaximum":
      return `Please enter a number less than ${number(/< ?(-?[\d.]+)/)}`;
    case "minItems":
      return `Please send at least ${number(/fewer than (\d+)/)} items`;
    case "maxItems":
      return `Please send at most ${number(/more than (\d+)/)} items`;
    case "pattern":
      return "Please enter a value in the expected format";
    case "additionalProperties":
    case "unevaluatedProperties":
      return "This field is not accepted here";
    default:
      return "Please enter a valid value";
  }
}

/** Each refused field with one reason, the most telling of its findings. */
export function fieldReasons(violations: FieldViolation[]): Record<string, string> {
  const best = new Map<string, FieldViolation>();
  for (const v of violations) {
    const field = fieldOf(v);
    const kept = best.get(field);
    if (!kept || rankOf(v.code) < rankOf(kept.code)) best.set(field, v);
  }
  // Field names come from the request: a null-prototype object keeps `constructor` a plain key.
  const reasons: Record<string, string> = Object.create(null);
  for (const [field, v] of best) reasons[field] = reasonOf(v);
  return reasons;
}
