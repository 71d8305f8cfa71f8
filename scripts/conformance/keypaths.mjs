#!/usr/bin/env node
// Lists every distinct key-path pattern found in the request bodies of test/conformance/cases.json,
// e.g. `messages[].tool_calls[].index`, with the number of cases using it.
//
// Usage: node scripts/conformance/keypaths.mjs [--cases test/conformance/cases.json]
//          [--path /v1/chat/completions] [--status 2xx|4xx|all] [--json]
// Node built-ins only.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const opt = (k, d) => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1] : d;
};
const file = opt("--cases", "test/conformance/cases.json");
const onlyPath = opt("--path", null);
const status = opt("--status", "2xx");
const asJson = args.includes("--json");

// Object keys under these parents are user data (JSON schema properties, metadata...), not API fields.
const OPAQUE_PARENTS = new Set(["properties", "metadata", "$defs", "definitions", "patternProperties", "logit_bias", "extra_body", "extra_headers"]);

function walk(v, path, out, opaqueDepth) {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, `${path}[]`, out, opaqueDepth);
    return;
  }
  if (v === null || typeof v !== "object") return;
  for (const [k, x] of Object.entries(v)) {
    const parentKey = path.split(".").pop().replace(/\[\]$/, "");
    const key = OPAQUE_PARENTS.has(parentKey) ? "*" : k;
    const p = path ? `${path}.${key}` : key;
    out.add(p);
    // JSON schemas: stop descending into parameters/schema bodies beyond their top level
    if (["parameters", "schema", "input_schema", "json_schema"].includes(k) && x && typeof x === "object") {
      out.add(`${p}.…`);
      continue;
    }
    if (k === "arguments" || (k === "content" && typeof x === "string")) continue;
    walk(x, p, out, opaqueDepth);
  }
}

const cases = JSON.parse(readFileSync(file, "utf8"));
const counts = new Map();
const byPath = new Map();
for (const c of cases) {
  if (!c.request) continue;
  if (onlyPath && c.path !== onlyPath) continue;
  if (status === "2xx" && !(c.status >= 200 && c.status < 300)) continue;
  if (status === "4xx" && !(c.status >= 400 && c.status < 500)) continue;
  const s = new Set();
  walk(c.request, "", s, 0);
  for (const p of s) {
    const k = `${c.path} ${p}`;
    counts.set(k, (counts.get(k) || 0) + 1);
    if (!byPath.has(k)) byPath.set(k, c.id);
  }
}
const rows = [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
if (asJson)
  console.log(
    JSON.stringify(
      rows.map(([k, n]) => ({ key: k, cases: n, example: byPath.get(k) })),
      null,
      2,
    ),
  );
else for (const [k, n] of rows) console.log(`${String(n).padStart(5)}  ${k}   (e.g. ${byPath.get(k)})`);
