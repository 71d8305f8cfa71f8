#!/usr/bin/env node
// Re-creates test/conformance/cases.json from test/conformance/sources.json.
//
// Usage:
//   node scripts/conformance/extract.mjs --mirrors /work/.mirror [--out test/conformance/cases.json]
//        [--sources test/conformance/sources.json]
//   node scripts/conformance/extract.mjs --mirrors /work/.mirror --discover [--repos owner/a,owner/b]
//        (scans every mirror's HEAD for recordings mentioning api.openai.com, rewrites sources.json
//         with the files that yield at least one accepted case, then writes cases.json)
//
// A mirror for owner/name is looked up as <mirrors>/<owner>+<name>/repo, <mirrors>/<owner>+<name>,
// or <mirrors>/<owner>/<name> (bare git directories). Files are read with
// `git --git-dir=<mirror> show <commit>:<path>`.
//
// Dependencies: node built-ins, plus the `yaml` npm package (v2) for YAML cassettes. It is not a
// dependency of tokcost; install it anywhere and point YAML_MODULE at it if it is not resolvable, e.g.
//   (cd /tmp/conf && npm i yaml) && YAML_MODULE=/tmp/conf/node_modules/yaml/dist/index.js node scripts/conformance/extract.mjs ...
//
// Supported recording formats: VCR.py / pytest-recording YAML or JSON (incl. pydantic-ai's
// `parsed_body` serializer), Ruby VCR YAML (`http_interactions`), go-vcr YAML (v1/v2), nock recorder
// JSON, HAR (Polly.js). See test/conformance/README.md for the acceptance rules.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync, brotliDecompressSync, inflateSync, inflateRawSync } from "node:zlib";
import { createRequire } from "node:module";

const MAX_REQUEST_BYTES = 200 * 1024;
const API_HOST = "api.openai.com";
// endpoints whose request bodies tokcost cares about (assistants/threads/files/vector stores are skipped)
const PATH_RE =
  /^\/v1\/(chat\/completions|completions|responses|responses\/compact|responses\/input_tokens|embeddings|images\/(generations|edits|variations)|audio\/(transcriptions|translations|speech)|moderations)$/;

// ---------------------------------------------------------------- args
function parseArgs(argv) {
  const a = { mirrors: null, out: "test/conformance/cases.json", sources: "test/conformance/sources.json", discover: false, repos: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === "--mirrors") a.mirrors = argv[++i];
    else if (k === "--out") a.out = argv[++i];
    else if (k === "--sources") a.sources = argv[++i];
    else if (k === "--discover") a.discover = true;
    else if (k === "--repos") a.repos = argv[++i].split(",").filter(Boolean);
    else if (k === "-h" || k === "--help") {
      console.log("usage: extract.mjs --mirrors DIR [--out FILE] [--sources FILE] [--discover [--repos a/b,c/d]]");
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  if (!a.mirrors) throw new Error("--mirrors DIR is required");
  return a;
}

// ---------------------------------------------------------------- yaml
let YAML = null;
async function loadYaml() {
  if (YAML) return YAML;
  const tries = [];
  if (process.env.YAML_MODULE) tries.push(process.env.YAML_MODULE);
  tries.push("yaml");
  for (const t of tries) {
    try {
      const m = t === "yaml" ? await import("yaml") : createRequire(import.meta.url)(resolve(t));
      YAML = m.default && m.default.parse ? m.default : m;
      return YAML;
    } catch {
      /* try next */
    }
  }
  console.error("extract.mjs: the `yaml` npm package is required for YAML cassettes: run `npm i yaml` somewhere and set YAML_MODULE=/path/to/node_modules/yaml/dist/index.js");
  process.exit(2);
}

// ---------------------------------------------------------------- git
function mirrorDir(mirrors, repo) {
  const [owner, name] = repo.split("/");
  for (const c of [join(mirrors, `${owner}+${name}`, "repo"), join(mirrors, `${owner}+${name}`), join(mirrors, owner, name)]) {
    if (existsSync(join(c, "HEAD"))) return c;
  }
  return null;
}
function git(dir, args, enc = "buffer") {
  return execFileSync("git", [`--git-dir=${dir}`, ...args], { maxBuffer: 1 << 30, encoding: enc, stdio: ["ignore", "pipe", "ignore"] });
}

// ---------------------------------------------------------------- helpers
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array);
function lowerHeaders(h) {
  const out = {};
  if (Array.isArray(h)) {
    // HAR [{name,value}] or nock rawHeaders [k,v,k,v]
    if (h.length && typeof h[0] === "string") {
      for (let i = 0; i + 1 < h.length; i += 2) out[h[i].toLowerCase()] = String(h[i + 1]);
    } else for (const e of h) if (e && e.name) out[String(e.name).toLowerCase()] = String(e.value);
    return out;
  }
  if (!isObj(h)) return out;
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.map(String).join(", ") : String(v);
  return out;
}
function toBuffer(v) {
  if (v == null) return null;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (typeof v === "string") return Buffer.from(v, "utf8");
  return null;
}
function decompress(buf, encoding) {
  if (!buf) return buf;
  const enc = (encoding || "").toLowerCase();
  const tryAll = [];
  if (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b) tryAll.push(gunzipSync);
  if (enc.includes("br")) tryAll.push(brotliDecompressSync);
  if (enc.includes("deflate")) tryAll.push(inflateSync, inflateRawSync);
  if (enc.includes("gzip")) tryAll.push(gunzipSync);
  for (const f of tryAll) {
    try {
      return f(buf);
    } catch {
      /* next */
    }
  }
  return buf;
}
function tryJson(s) {
  if (typeof s !== "string") return undefined;
  const t = s.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}
function parseSSE(text) {
  const events = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let data = "";
    let ev = null;
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("data:")) data += (data ? "\n" : "") + line.slice(5).replace(/^ /, "");
      else if (line.startsWith("event:")) ev = line.slice(6).trim();
    }
    if (!data || data === "[DONE]") continue;
    const j = tryJson(data);
    if (j !== undefined) events.push({ event: ev, data: j });
  }
  return events;
}

// ---------------------------------------------------------------- normalize recordings
// Each normalized interaction: { method, url, reqBody: string|object|Buffer|null, reqHeaders,
//   status, resBody: string|object|Buffer|null, resHeaders }
function bodyFromRuby(b) {
  if (b == null) return null;
  if (typeof b === "string") return b;
  if (isObj(b)) {
    if (typeof b.base64_string === "string") return Buffer.from(b.base64_string.replace(/\s+/g, ""), "base64");
    if ("string" in b) return b.string instanceof Uint8Array ? Buffer.from(b.string) : b.string;
  }
  return b;
}
function parseHttpMessage(buf) {
  // raw HTTP/1 message: start line, headers, blank line, body (chunked bodies are de-chunked)
  let sep = buf.indexOf("\r\n\r\n"),
    sepLen = 4;
  const lf = buf.indexOf("\n\n");
  if (sep < 0 || (lf >= 0 && lf < sep)) {
    sep = lf;
    sepLen = 2;
  }
  if (sep < 0) return null;
  const lines = buf.subarray(0, sep).toString("utf8").split(/\r?\n/);
  const start = lines.shift();
  const headers = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = buf.subarray(sep + sepLen);
  if (/chunked/i.test(headers["transfer-encoding"] || "")) {
    const parts = [];
    let off = 0;
    while (off < body.length) {
      const eol = body.indexOf("\r\n", off);
      if (eol < 0) break;
      const n = parseInt(body.subarray(off, eol).toString("latin1"), 16);
      if (!Number.isFinite(n) || n === 0) break;
      parts.push(body.subarray(eol + 2, eol + 2 + n));
      off = eol + 2 + n + 2;
    }
    body = Buffer.concat(parts);
  }
  return { start, headers, body };
}
function normalizeHttprr(buf) {
  // Go httprr (golang.org/x/oscar/internal/httprr, used by langchaingo)
  const out = [];
  let off = buf.indexOf("\n") + 1;
  if (!buf.subarray(0, off).toString("latin1").startsWith("httprr trace v1")) return out;
  while (off < buf.length) {
    const eol = buf.indexOf("\n", off);
    if (eol < 0) break;
    const m = /^(\d+) (\d+)$/.exec(buf.subarray(off, eol).toString("latin1").trim());
    if (!m) break;
    const rqLen = +m[1],
      rsLen = +m[2];
    const rq = parseHttpMessage(buf.subarray(eol + 1, eol + 1 + rqLen));
    const rs = parseHttpMessage(buf.subarray(eol + 1 + rqLen, eol + 1 + rqLen + rsLen));
    off = eol + 1 + rqLen + rsLen;
    if (!rq || !rs) continue;
    const [method, url] = rq.start.split(" ");
    out.push({ method: method.toUpperCase(), url, reqBody: rq.body.toString("utf8"), reqHeaders: rq.headers, status: parseInt(rs.start.split(" ")[1], 10), resBody: rs.body, resHeaders: rs.headers });
  }
  return out;
}
function normalizeFile(path, buf, yaml) {
  const lower = path.toLowerCase();
  if (lower.endsWith(".httprr")) return normalizeHttprr(buf);
  const text = buf.toString("utf8");
  let doc;
  if (lower.endsWith(".json") || lower.endsWith(".har")) {
    try {
      doc = JSON.parse(text);
    } catch {
      return [];
    }
  } else if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
    try {
      doc = yaml.parse(text, { customTags: ["binary"], logLevel: "silent", maxAliasCount: -1, uniqueKeys: false, intAsBigInt: false });
    } catch {
      return [];
    }
  } else return [];
  const out = [];
  if (isObj(doc) && isObj(doc.request) && isObj(doc.response)) doc = { interactions: [doc] }; // one-interaction JSON (dd-trace-py)
  if (isObj(doc) && Array.isArray(doc.interactions)) {
    // vcrpy / go-vcr / pydantic-ai
    for (const it of doc.interactions) {
      const rq = it?.request || {},
        rs = it?.response || {};
      let reqBody = "parsed_body" in rq ? rq.parsed_body : rq.body;
      if (isObj(reqBody) && "string" in reqBody && Object.keys(reqBody).length <= 2) reqBody = reqBody.string;
      let resBody = "parsed_body" in rs ? rs.parsed_body : "body" in rs ? rs.body : rs.content; // `content`: vcrpy httpx stubs
      if (isObj(resBody) && "string" in resBody) resBody = resBody.string;
      let status = null;
      if (isObj(rs.status)) status = rs.status.code;
      else if (typeof rs.code === "number") status = rs.code;
      else if (typeof rs.status_code === "number") status = rs.status_code;
      else if (typeof rs.status === "string") status = parseInt(rs.status, 10);
      else if (typeof rs.status === "number") status = rs.status;
      out.push({ method: String(rq.method || "").toUpperCase(), url: rq.uri || rq.url || "", reqBody, reqHeaders: lowerHeaders(rq.headers), status, resBody, resHeaders: lowerHeaders(rs.headers) });
    }
  } else if (isObj(doc) && Array.isArray(doc.http_interactions)) {
    // Ruby VCR
    for (const it of doc.http_interactions) {
      const rq = it?.request || {},
        rs = it?.response || {};
      out.push({
        method: String(rq.method || "").toUpperCase(),
        url: rq.uri || "",
        reqBody: bodyFromRuby(rq.body),
        reqHeaders: lowerHeaders(rq.headers),
        status: isObj(rs.status) ? rs.status.code : rs.status,
        resBody: bodyFromRuby(rs.body),
        resHeaders: lowerHeaders(rs.headers),
      });
    }
  } else if (isObj(doc) && isObj(doc.log) && Array.isArray(doc.log.entries)) {
    // HAR / Polly
    for (const e of doc.log.entries) {
      const rq = e.request || {},
        rs = e.response || {};
      let resBody = rs.content?.text ?? null;
      if (resBody != null && rs.content?.encoding === "base64") resBody = Buffer.from(resBody, "base64");
      out.push({
        method: String(rq.method || "").toUpperCase(),
        url: rq.url || "",
        reqBody: rq.postData?.text ?? null,
        reqHeaders: lowerHeaders(rq.headers),
        status: rs.status,
        resBody,
        resHeaders: lowerHeaders(rs.headers),
      });
    }
  } else if (isObj(doc) && Array.isArray(doc.Entries)) {
    // Azure SDK test-proxy SessionRecords (openai-dotnet)
    for (const e of doc.Entries) {
      let resBody = e.ResponseBody ?? null;
      if (Array.isArray(resBody) && resBody.every((x) => typeof x === "string")) resBody = resBody.join("\n");
      let reqBody = e.RequestBody ?? null;
      if (Array.isArray(reqBody) && reqBody.every((x) => typeof x === "string")) reqBody = reqBody.join("\n");
      out.push({
        method: String(e.RequestMethod || "").toUpperCase(),
        url: e.RequestUri || "",
        reqBody,
        reqHeaders: lowerHeaders(e.RequestHeaders),
        status: e.StatusCode,
        resBody,
        resHeaders: lowerHeaders(e.ResponseHeaders),
      });
    }
  } else if (Array.isArray(doc) && doc.length && isObj(doc[0]) && "scope" in doc[0]) {
    // nock recorder
    for (const e of doc) {
      let resBody = e.response;
      if (Array.isArray(resBody) && resBody.every((x) => typeof x === "string" && /^[0-9a-f]*$/i.test(x))) resBody = Buffer.concat(resBody.map((x) => Buffer.from(x, "hex")));
      else if (typeof resBody === "string" && e.responseIsBinary) resBody = Buffer.from(resBody, "hex");
      const base = String(e.scope || "").replace(/:443$/, "");
      out.push({
        method: String(e.method || "").toUpperCase(),
        url: base + (e.path || ""),
        reqBody: e.body ?? null,
        reqHeaders: {},
        status: e.status,
        resBody,
        resHeaders: lowerHeaders(e.rawHeaders || e.headers),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- acceptance
const ID_RE = /^(chatcmpl|cmpl|resp|modr|embd|batch|file|msg|run|asst|thread|ft|img|vs|conv|transcr)[-_]/;
// Ids the API really hands out: chatcmpl-<29 alnum> (or a UUID for search-preview models),
// cmpl-<29 alnum>, resp_<hex>, modr-<alnum>. Hand-written fixtures use things like "chatcmpl-123",
// "chatcmpl-audio-test": anything else under these prefixes is treated as a mock.
const REAL_ID = {
  chatcmpl: /^chatcmpl-([A-Za-z0-9]{20,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
  cmpl: /^cmpl-[A-Za-z0-9]{20,}$/,
  resp: /^resp_([0-9a-f]{30,}|[A-Za-z0-9]{20,})$/,
  modr: /^modr-[A-Za-z0-9-]{10,}$/,
};
function looksFakeId(id) {
  const m = /^(chatcmpl|cmpl|resp|modr)[-_]/.exec(id);
  if (m) return !REAL_ID[m[1]].test(id);
  return id.length < 12;
}
// Response headers only the real API (behind Cloudflare) sets; `openai-version` alone is not enough
// (hand-written fixtures copy it).
const EVIDENCE_HEADERS = ["openai-organization", "openai-processing-ms", "openai-project", "x-request-id", "x-ratelimit-limit-requests"];

function decodeResponse(n) {
  let body = n.resBody;
  const enc = n.resHeaders["content-encoding"] || "";
  if (body instanceof Uint8Array) body = decompress(Buffer.from(body), enc).toString("utf8");
  else if (typeof body === "string" && /gzip|br|deflate/.test(enc)) {
    // some recorders store binary as latin1 strings
    const b = decompress(Buffer.from(body, "latin1"), enc);
    const s = b.toString("utf8");
    if (tryJson(s) !== undefined || s.includes("data:")) body = s;
  }
  if (isObj(body) || Array.isArray(body)) return { json: body, events: null };
  if (typeof body !== "string") return { json: undefined, events: null };
  const j = tryJson(body);
  if (j !== undefined) return { json: j, events: null };
  if (/^\s*(event:|data:)/m.test(body)) return { json: undefined, events: parseSSE(body) };
  return { json: undefined, events: null };
}

function decodeRequest(n) {
  let b = n.reqBody;
  const ctype = (n.reqHeaders["content-type"] || "").toLowerCase();
  if (ctype.startsWith("multipart/")) return { multipart: true, body: null };
  if (b instanceof Uint8Array) {
    const buf = decompress(Buffer.from(b), n.reqHeaders["content-encoding"]);
    const s = buf.toString("utf8");
    if (/^--/.test(s) && /Content-Disposition: form-data/i.test(s)) return { multipart: true, body: null };
    b = s;
  }
  if (typeof b === "string") {
    if (/Content-Disposition: form-data/i.test(b.slice(0, 2000))) return { multipart: true, body: null };
    const j = tryJson(b);
    if (j === undefined) return { multipart: false, body: undefined };
    return { multipart: false, body: j };
  }
  if (isObj(b) || Array.isArray(b)) return { multipart: false, body: b };
  return { multipart: false, body: b == null ? null : undefined };
}

function pickUsage(json, events) {
  if (json !== undefined) {
    if (isObj(json) && isObj(json.usage)) return json.usage;
    if (isObj(json) && isObj(json.response) && isObj(json.response.usage)) return json.response.usage;
    return null;
  }
  if (events) {
    let u = null;
    for (const e of events) {
      const d = e.data;
      if (!isObj(d)) continue;
      if (isObj(d.usage)) u = d.usage;
      if (isObj(d.response) && isObj(d.response.usage)) u = d.response.usage;
    }
    return u;
  }
  return null;
}

/** The model the API answered with (the snapshot an alias meant on the day of the recording). */
function responseModelOf(json, events) {
  const pick = (o) => (isObj(o) && typeof o.model === "string" ? o.model : isObj(o) && isObj(o.response) && typeof o.response.model === "string" ? o.response.model : null);
  if (json !== undefined) return pick(json);
  if (events)
    for (const e of events) {
      const m = pick(e.data);
      if (m) return m;
    }
  return null;
}

function evidenceOf(json, events, headers) {
  const ev = [];
  let id = null;
  const pickId = (o) => (isObj(o) && typeof o.id === "string" ? o.id : isObj(o) && isObj(o.response) && typeof o.response.id === "string" ? o.response.id : null);
  if (json !== undefined) id = pickId(json);
  else if (events)
    for (const e of events) {
      id = pickId(e.data);
      if (id) break;
    }
  const hdrs = EVIDENCE_HEADERS.filter((h) => h in headers);
  return { id, hdrs };
}

function convertInteraction(n, idx, src, path) {
  let url;
  try {
    url = new URL(n.url);
  } catch {
    return null;
  }
  if (url.hostname !== API_HOST) return null;
  if (n.method !== "POST") return null;
  const status = typeof n.status === "number" ? n.status : parseInt(n.status, 10);
  if (!Number.isFinite(status) || status < 100) return null;
  if (!PATH_RE.test(url.pathname.replace(/\/+$/, ""))) return null;
  const { json, events } = decodeResponse(n);
  const { id, hdrs } = evidenceOf(json, events, n.resHeaders);
  const req = decodeRequest(n);
  if (req.body === undefined) return null;
  if (!req.multipart && (req.body === null || !isObj(req.body))) return null;
  if (!req.multipart && JSON.stringify(req.body).length > MAX_REQUEST_BYTES) return null;

  let error = null;
  if (status >= 400) {
    const e = isObj(json) && isObj(json.error) ? json.error : null;
    if (!e || typeof e.message !== "string") return null;
    error = { message: e.message, type: e.type ?? null, param: e.param ?? null, code: e.code ?? null };
  }
  const usage = status < 400 ? pickUsage(json, events) : null;
  const isStream = events != null || req.body?.stream === true;
  // --- evidence that the body was produced by the API
  let realBody = false;
  const why = [];
  why.push(`${src.kind} recording; host ${API_HOST}`);
  if (id) {
    if (looksFakeId(id)) return null;
    if (ID_RE.test(id)) {
      realBody = true;
      why.push(`response id ${id}`);
    }
  }
  if (error) {
    realBody = true;
    why.push(`API error object (${error.type ?? error.code ?? "error"})`);
  }
  if (!realBody && status < 400) {
    // embeddings / images / audio bodies carry no id: accept when shaped like the API and headers present
    if (isObj(json) && (json.object === "list" || Array.isArray(json.data) || typeof json.text === "string" || Array.isArray(json.results))) {
      if (usage || hdrs.length) {
        realBody = true;
        why.push(`API-shaped ${json.object || "data"} body${usage ? " with usage" : ""}`);
      }
    }
  }
  if (!realBody) return null;
  if (hdrs.length) why.push(`${hdrs.join(", ")} header${hdrs.length > 1 ? "s" : ""} present`);
  else if (!id || id.length < 20) return null; // neither a long real id nor API headers: too weak
  return {
    id: `${src.repo}:${path}#${idx}`,
    method: "POST",
    path: url.pathname.replace(/\/+$/, ""),
    request: req.multipart ? null : req.body,
    ...(req.multipart ? { multipart: true } : {}),
    status,
    error,
    usage: usage ?? null,
    responseModel: status < 400 ? responseModelOf(json, events) : null,
    stream: isStream,
    source: { repo: src.repo, path, commit: src.commit, interaction: idx },
    why: why.join("; "),
  };
}

function kindOf(path, n0) {
  const l = path.toLowerCase();
  if (l.endsWith(".har")) return "HAR";
  if (l.endsWith(".httprr")) return "httprr";
  if (l.includes("sessionrecords/")) return "test-proxy SessionRecord";
  if (l.endsWith(".json")) return "JSON cassette";
  return "VCR cassette";
}

export function extractFile(src, path, buf, yaml) {
  const inter = normalizeFile(path, buf, yaml);
  const cases = [];
  inter.forEach((n, i) => {
    const c = convertInteraction(n, i, { ...src, kind: kindOf(path) }, path);
    if (c) cases.push(c);
  });
  return cases;
}

function sortCases(cases) {
  cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // drop exact duplicates (same endpoint, same request body, same outcome): keep the first by id
  const seen = new Set();
  return cases.filter((c) => {
    if (c.request === null) return true;
    const k = JSON.stringify([c.path, c.request, c.status, c.error && c.error.message]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
function stable(json) {
  return JSON.stringify(json, null, 2) + "\n";
}

// ---------------------------------------------------------------- main
async function main() {
  const args = parseArgs(process.argv.slice(2));
  const yaml = await loadYaml();
  let sources;
  if (args.discover) {
    sources = discover(args, yaml);
    writeFileSync(args.sources, stable(sources));
    console.error(`wrote ${sources.length} sources to ${args.sources}`);
  } else {
    sources = JSON.parse(readFileSync(args.sources, "utf8"));
  }
  const cases = [];
  for (const s of sources) {
    const dir = mirrorDir(args.mirrors, s.repo);
    if (!dir) {
      console.error(`missing mirror for ${s.repo}`);
      process.exitCode = 1;
      continue;
    }
    for (const p of s.paths) {
      let text;
      try {
        text = git(dir, ["show", `${s.commit}:${p}`]);
      } catch {
        console.error(`cannot read ${s.repo}@${s.commit}:${p}`);
        process.exitCode = 1;
        continue;
      }
      cases.push(...extractFile({ repo: s.repo, commit: s.commit }, p, text, yaml));
    }
  }
  const final = sortCases(cases);
  writeFileSync(args.out, stable(final));
  console.error(`wrote ${final.length} cases to ${args.out} (${cases.length - final.length} exact duplicates dropped)`);
}

function discover(args, yaml) {
  const { readdirSync } = awaitFs;
  const repos = [];
  for (const d of readdirSync(args.mirrors)) {
    if (!d.includes("+")) continue;
    const repo = d.replace("+", "/");
    if (args.repos && !args.repos.includes(repo)) continue;
    if (mirrorDir(args.mirrors, repo)) repos.push(repo);
  }
  const old = existsSync(args.sources) ? JSON.parse(readFileSync(args.sources, "utf8")) : [];
  const out = old.filter((s) => args.repos && !args.repos.includes(s.repo));
  for (const repo of repos.sort()) {
    const dir = mirrorDir(args.mirrors, repo);
    const commit = git(dir, ["rev-parse", "HEAD"], "utf8").trim();
    let files = [];
    try {
      files = git(dir, ["grep", "-l", "-I", API_HOST, commit, "--", "*.yaml", "*.yml", "*.json", "*.har", "*.httprr"], "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => l.slice(commit.length + 1));
    } catch {
      files = [];
    }
    const paths = [];
    const counts = {};
    for (const p of files) {
      let text;
      try {
        text = git(dir, ["show", `${commit}:${p}`]);
      } catch {
        continue;
      }
      const cs = extractFile({ repo, commit }, p, text, yaml);
      if (cs.length) {
        paths.push(p);
        for (const c of cs) counts[c.path] = (counts[c.path] || 0) + 1;
      }
    }
    if (paths.length) {
      paths.sort();
      out.push({
        repo,
        commit,
        paths,
        why: `recordings of live ${API_HOST} traffic (test cassettes); accepted interactions per endpoint before de-duplication: ${Object.entries(counts)
          .sort()
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
      });
    }
    console.error(`${repo}: ${files.length} candidate files, ${paths.length} with accepted cases`);
  }
  return out.sort((a, b) => (a.repo < b.repo ? -1 : 1));
}
import * as awaitFs from "node:fs";

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("extract.mjs")) {
  main().catch((e) => {
    console.error(e.stack || String(e));
    process.exit(1);
  });
}
