// House lint rules for every API under spec/. Redocly's own rules cover structure and
// example validity; these cover what our consumers rely on: one tag per operation (the
// docs menu and the client group by it), a real description, labelled assumptions that
// are readable text, an example on every request and response body (Prism serves them),
// and every tag placed in an x-tagGroups group (Redoc hides ungrouped tags).

function OneTagPerOperation() {
  return {
    Operation: {
      enter(operation, ctx) {
        const tags = operation.tags ?? [];
        if (tags.length !== 1) {
          ctx.report({
            message: `Operation must have exactly one tag (has ${tags.length}).`,
            location: ctx.location.child("tags"),
          });
        }
      },
    },
  };
}

function OperationDescription() {
  return {
    Operation: {
      enter(operation, ctx) {
        const text = typeof operation.description === "string" ? operation.description.trim() : "";
        if (text.length < 20) {
          ctx.report({
            message: "Operation needs a description of at least 20 characters that says what it does.",
            location: ctx.location.child("description"),
          });
        }
      },
    },
  };
}

function AssumptionIsText() {
  return {
    any: {
      enter(node, ctx) {
        if (!node || typeof node !== "object" || !("x-assumption" in node)) return;
        const value = node["x-assumption"];
        if (typeof value !== "string" || value.trim().length < 10) {
          ctx.report({
            message: "x-assumption must be a sentence saying what is assumed and why.",
            location: ctx.location.child("x-assumption"),
          });
        }
      },
    },
  };
}

// What kind of label an x-assumption is (spec/CONTRIBUTING.md, "Assumptions"): the docs say
// nothing (gap), the docs say something else and we chose to differ (override), or the docs say
// nothing outright and the value is read from other evidence (inference). The docs landing page
// counts them and the reference shows the kind beside each label.
export const ASSUMPTION_KINDS = ["gap", "override", "inference"];

function AssumptionHasKind() {
  return {
    any: {
      enter(node, ctx) {
        if (!node || typeof node !== "object") return;
        const labelled = "x-assumption" in node;
        const kind = node["x-assumption-kind"];
        if (labelled && !ASSUMPTION_KINDS.includes(kind)) {
          ctx.report({
            message: `x-assumption needs an x-assumption-kind beside it, one of ${ASSUMPTION_KINDS.join(", ")} (found ${JSON.stringify(kind)}).`,
            location: ctx.location.child("x-assumption"),
          });
        } else if (!labelled && kind !== undefined) {
          ctx.report({
            message: "x-assumption-kind without an x-assumption beside it.",
            location: ctx.location.child("x-assumption-kind"),
          });
        }
      },
    },
  };
}

function hasExample(mediaType) {
  if (!mediaType || typeof mediaType !== "object") return true;
  if (mediaType.example !== undefined) return true;
  return mediaType.examples !== undefined && Object.keys(mediaType.examples).length > 0;
}

function RequestAndResponseExamples() {
  const check = (content, ctx, where) => {
    if (!content) return;
    for (const [type, media] of Object.entries(content)) {
      if (!hasExample(media)) {
        ctx.report({
          message: `The ${type} ${where} needs an example (Prism serves it and the docs show it).`,
          location: ctx.location.child(["content", type]),
        });
      }
    }
  };
  return {
    RequestBody: {
      enter(body, ctx) {
        check(body.content, ctx, "request body");
      },
    },
    Response: {
      enter(response, ctx) {
        check(response.content, ctx, "response");
      },
    },
  };
}

function TagInAGroup() {
  return {
    Root: {
      enter(root, ctx) {
        const grouped = new Set((root["x-tagGroups"] ?? []).flatMap((g) => g.tags ?? []));
        (root.tags ?? []).forEach((tag, i) => {
          if (!grouped.has(tag.name)) {
            ctx.report({
              message: `Tag "${tag.name}" is in no x-tagGroups group, so the docs would hide it.`,
              location: ctx.location.child(["tags", i, "name"]),
            });
          }
        });
        for (const name of grouped) {
          if (!(root.tags ?? []).some((t) => t.name === name)) {
            ctx.report({
              message: `x-tagGroups names "${name}", which is not declared in tags.`,
              location: ctx.location.child("x-tagGroups"),
            });
          }
        }
      },
    },
  };
}

// OpenAPI: "concrete paths are matched before their templated counterparts". Two paths that can
// match the same URL are fine when the document also holds the path that is, segment by
// segment, the more concrete of the two (their meet): that path then matches those URLs, and
// every router that prefers concrete segments (Prism does) picks it. Redocly's
// no-ambiguous-paths judges pairs alone, so it refuses /{entity}/list/{level} next to
// /brand/{id}/{level} even when /brand/list/{level} settles every URL both match.
const shapeOf = (segment) => segment.replace(/\{[^}]+\}/g, "{}");
function segmentMeet(a, b) {
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  if (sa === sb) return sa;
  if (sa === "{}") return sb;
  if (sb === "{}") return sa;
  const literal = (s) => !s.includes("{}");
  const matches = (templ, lit) =>
    new RegExp(
      `^${templ
        .split("{}")
        .map((x) => x.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("[^/]+")}$`,
    ).test(lit);
  if (literal(sa) && literal(sb)) return null;
  if (literal(sa)) return matches(sb, sa) ? sa : null;
  if (literal(sb)) return matches(sa, sb) ? sb : null;
  return undefined; // two different partial templates: cannot tell, treat as a conflict
}

function MostSpecificPathWins() {
  return {
    Paths: {
      enter(paths, ctx) {
        const keys = Object.keys(paths);
        const shapes = new Map(keys.map((k) => [k, k.split("/").map(shapeOf).join("/")]));
        const known = new Set(shapes.values());
        for (let i = 0; i < keys.length; i++) {
          for (let j = i + 1; j < keys.length; j++) {
            const a = keys[i].split("/");
            const b = keys[j].split("/");
            if (a.length !== b.length) continue;
            if (shapes.get(keys[i]) === shapes.get(keys[j])) {
              ctx.report({
                message: `Paths "${keys[i]}" and "${keys[j]}" differ only in parameter names.`,
                location: ctx.location.child([keys[j]]).key(),
              });
              continue;
            }
            const meet = a.map((seg, n) => segmentMeet(seg, b[n]));
            if (meet.includes(null)) continue; // no URL matches both
            const joined = meet.includes(undefined) ? undefined : meet.join("/");
            if (joined === undefined || !known.has(joined)) {
              ctx.report({
                message: `A URL can match both "${keys[i]}" and "${keys[j]}", and neither is the more specific; add the path they share${joined ? ` ("${joined}")` : ""} or make them disjoint.`,
                location: ctx.location.child([keys[j]]).key(),
              });
            }
          }
        }
      },
    },
  };
}

export default function housePlugin() {
  const rules = {
    "one-tag-per-operation": OneTagPerOperation,
    "operation-description": OperationDescription,
    "assumption-is-text": AssumptionIsText,
    "assumption-has-kind": AssumptionHasKind,
    "request-and-response-examples": RequestAndResponseExamples,
    "tag-in-a-group": TagInAGroup,
    "most-specific-path-wins": MostSpecificPathWins,
  };
  return { id: "house", rules: { oas3: rules } };
}
