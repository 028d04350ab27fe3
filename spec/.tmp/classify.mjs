import { readFileSync } from "node:fs";
const labels = JSON.parse(readFileSync("/tmp/labels.json", "utf8"));
export function classify(t) {
  const s = t.replace(/\s+/g, " ");
  const keeps = /(kept (exactly )?as documented|documented type is kept|names are kept exactly|accepted as documented|as documented\b)/i.test(s);
  const docsSay = /\b(docs?|vendor'?s?|schema|page|table|request|code)\b[^.;]{0,60}\b(types?|typed|marks?|asks?|lists?|gives?|says?|writes?|describes?|points?|shows?|merges?|declares?|maps?|calls?|send|sends)\b/i.test(s);
  const differ = /(\bhere\b|instead|while |although|rather than|this document (follows|takes|nests|requires|keeps|models|uses)|so (it|they) (is|are) (optional|required|an?|the|read|accepted|left)|(is|are) accepted as well|null is accepted|any (number|integer|positive integer)|both (forms|shapes|spellings|labels)|is used\b|follows the code|slip|copy-paste|contradict|conflict|disagree)/i.test(s);
  const openGap = /(empty object|with no fields|without (any|its) fields|could not be retrieved|free-form|left open|open object|passed through unchecked|no response (body|schema))/i.test(s) && !/(while |instead|rather than|although)/i.test(s);
  if (openGap) return "gap";
  if (/marks? no [^.;]*required/i.test(s) && /required\b/i.test(s.split(/;/).slice(1).join(";"))) return "override";
  if (/The docs type [\w.]+ as (a |an )?(plain )?(string|integer|number|null|32-bit integer)\b[^;]*;[^.]*(taken as a|a number|an integer|integers|any number|flag is declared)/i.test(s)) return "override";
  if (!keeps && docsSay && differ && !/^Not (in|documented)/i.test(s)) return "override";
  if (/(plugin|integration|live account|live response|observed|published code|the code|\bcode\b|examples?\b|example's|read from|from the (value )?names?|by its name|its name|names? suggests?|name reads|as its name says|seen in|OAuth 2\.0 specification|Spring|convention|inferred|PHP|Apache|read as|reads? as|is read|are read|taken to|taken as|taken from)/i.test(s)) return "inference";
  return "gap";
}
if (process.argv[2] === "show") {
  const by = {};
  for (const l of labels) (by[classify(l.t)] ??= []).push(l);
  for (const [k, v] of Object.entries(by)) console.log(k, v.length);
  for (const l of by[process.argv[3]] ?? []) console.log(`${l.f}#${l.p}\n   ${l.t.slice(0, 260)}`);
}
