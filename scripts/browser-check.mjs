// Browser check (`npm run test:browser`, which builds first): loads the portable core,
// dist/src/index.js, into headless Chromium as plain ES modules (an import map for its bare
// specifiers, no bundler, no Node globals) and runs counting, estimating, chat counting and a
// metered client call against a local OpenAI-compatible endpoint on another origin (so CORS is
// exercised). The same checks run in Node on the same build; token ids are also compared with
// OpenAI's tiktoken. Exit 0 = all match, 1 = a mismatch or failure, 2 = Chromium missing.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const ENTRY = join(root, "dist", "src", "index.js");
const API_KEY = "sk-test";
/** Directories the page may load from (read-only); everything else is 404. */
const SERVED = ["dist", "node_modules/js-tiktoken", "node_modules/zod", "node_modules/eventsource-parser"].map((d) => join(root, d));

if (!existsSync(CHROMIUM)) {
  console.error(`browser-check: ${CHROMIUM} not found; install Debian's Chromium with: apt-get update && apt-get install -y chromium`);
  process.exit(2);
}
if (!existsSync(ENTRY)) {
  console.error("browser-check: dist/src/index.js is missing; run `npm run build` first (npm run test:browser does)");
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The checks: one function, run in the browser (source inlined into the page) and in Node.
// It must use nothing but its `lib` argument and standard web globals.
async function runChecks(lib, baseURL) {
  const samples = [
    ["cl100k_base", " \u00850"],
    ["o200k_base", "hello world"],
    ["o200k_base", "Grüße, 世界! 🎉👩‍👩‍👧 ok?\n\n  x\u00a0y\u0085z 12345 don't"],
    ["cl100k_base", "Grüße, 世界! 🎉👩‍👩‍👧 ok?\n\n  x\u00a0y\u0085z 12345 don't"],
    ["p50k_base", "def f(x):\n    return x  # 4 spaces\n\tEnd"],
    ["r50k_base", "The quick brown fox jumps over the lazy dog."],
    ["gpt2", "The quick brown fox jumps over the lazy dog."],
  ];
  const out = {};
  out.countHello = lib.countTokens("hello world", { model: "gpt-4o" });
  out.encodeNel = lib.encode(" \u00850", { encoding: "cl100k_base" });
  out.samples = samples.map(([encoding, text]) => ({ encoding, text, ids: lib.encode(text, { encoding }), count: lib.countTokens(text, { encoding }) }));
  out.roundTrip = lib.decode(out.samples[2].ids, { encoding: "o200k_base" }) === samples[2][1];
  const e = lib.estimate({ model: "gpt-4o", prompt: "Summarise the plot of Hamlet in three sentences.", maxTokens: 100 });
  out.estimate = { exact: e.exact, fits: e.fits, promptTokens: e.promptTokens, room: e.room, costTotal: e.cost.total, costTotalType: typeof e.cost.total };
  const messages = [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Name three primes." },
  ];
  const chat = lib.countChatTokens(messages, { model: "gpt-4o" });
  out.chat = { total: chat.total, exact: chat.exact };

  const client = lib.createClient({ apiKey: "sk-test", baseURL, budget: { usd: 1 } });
  const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages, max_tokens: 5 });
  const rec = res.tokcost.record;
  out.call = {
    content: res.choices[0].message.content,
    tokcostEnumerable: Object.keys(res).includes("tokcost"),
    estimatePromptTokens: rec.estimate.promptTokens,
    actualPromptTokens: rec.actual.promptTokens,
    actualCompletionTokens: rec.actual.completionTokens,
    actualUsd: rec.actual.usd,
    source: rec.actual.source,
    differencePromptTokens: rec.difference.promptTokens,
  };
  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages, max_tokens: 5, stream: true });
  let streamed = "";
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
  const done = await stream.done;
  out.stream = { text: streamed, actualPromptTokens: done.record.actual.promptTokens, source: done.record.actual.source };
  const summary = client.summary();
  const status = client.status();
  out.budget = {
    spentUsd: client.spent().usd,
    remainingUsd: client.remaining().usd,
    reservedUsd: status.reserved.usd,
    calls: summary.calls,
    settled: summary.settled,
    exactPromptCalls: summary.exactPromptCalls,
  };
  let wrongKey = null;
  try {
    await lib.createClient({ apiKey: "sk-wrong", baseURL, maxRetries: 0 }).chat.completions.create({ model: "gpt-4o-mini", messages, max_tokens: 5 });
  } catch (error) {
    wrongKey = { code: error.code, status: error.status, sdkName: error.sdkName };
  }
  out.wrongKey = wrongKey;
  return out;
}

/** JSON in ASCII only, so the DOM dump's serialisation (&nbsp; and the like) cannot change it. */
function asciiJson(value) {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

// ---------------------------------------------------------------------------------------------
// The Node build, for the server's usage numbers and the expected results.
const lib = await import(pathToFileURL(ENTRY).href);

// Every bare specifier reachable from the entry, for the import map. Resolved as Node resolves it
// from the repository root (import.meta.resolve, "import" condition): right for the flat
// node_modules and for js-tiktoken and zod, which have no "node"/"browser" split.
function importMap() {
  const imports = {};
  const seen = new Set();
  const unresolved = [];
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, "utf8");
    const re = /(?:^|[\s;})])(?:import|export)\s*(?:[\w*{}\s,$]*?\sfrom\s*)?["']([^"'\n]+)["']|\bimport\(\s*["']([^"'\n]+)["']\s*\)/g;
    for (const m of src.matchAll(re)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith(".") || spec.startsWith("/")) {
        const target = resolve(dirname(file), spec);
        if (!spec.endsWith(".json") && existsSync(target)) walk(target);
        continue;
      }
      if (spec.startsWith("node:")) {
        unresolved.push(`${relative(root, file)} imports ${spec}`);
        continue;
      }
      let resolved;
      try {
        resolved = fileURLToPath(import.meta.resolve(spec));
      } catch {
        unresolved.push(`${relative(root, file)} imports ${spec} (not resolvable)`);
        continue;
      }
      if (!SERVED.some((d) => resolved.startsWith(d + sep))) {
        unresolved.push(`${relative(root, file)} imports ${spec} -> ${relative(root, resolved)} (not served)`);
        continue;
      }
      imports[spec] = "/" + relative(root, resolved).split(sep).join("/");
      walk(resolved);
    }
  };
  walk(ENTRY);
  return { imports, modules: seen.size, unresolved };
}

const map = importMap();

// ---------------------------------------------------------------------------------------------
// The server: static files (read-only, GET/HEAD), the page, a minimal chat completions endpoint.
const TYPES = { ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".json": "application/json; charset=utf-8", ".map": "application/json; charset=utf-8" };
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type, openai-organization, openai-project, x-stainless-retry-count",
  "access-control-max-age": "600",
};
const log = { files: 0, notFound: [], preflights: 0, chat: 0, origins: new Set() };
let pageHtml = "";

// The page's load event waits for /gate (an image in the page), which is answered only once the
// page has posted its result to /result (or after 60 s). Chromium dumps the DOM after the load
// event, so the dump always holds the result: no polling, no guessing how long the checks take.
let posted = null;
const gateWaiters = [];
const openGate = () => {
  for (const res of gateWaiters.splice(0)) if (!res.destroyed) res.writeHead(204, { "cache-control": "no-store" }).end();
};
const gateTimer = setTimeout(openGate, 60_000);

function chatCompletion(body, res) {
  const promptTokens = lib.estimateRequest(body, { kind: "chat" }).promptTokens;
  const completionTokens = Math.min(5, body.max_tokens ?? 5);
  const words = Array.from({ length: completionTokens }, (_, i) => (i === 0 ? "ok" : " ok"));
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const base = { id: `chatcmpl-check-${log.chat}`, created: 1_763_000_000, model: body.model, system_fingerprint: "fp_check" };
  if (body.stream === true) {
    res.writeHead(200, { ...CORS, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    const chunk = (delta, finish) => ({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage: null });
    const events = [chunk({ role: "assistant", content: "" }, null), ...words.map((w) => chunk({ content: w }, null)), chunk({}, "stop")];
    if (body.stream_options?.include_usage) events.push({ ...base, object: "chat.completion.chunk", choices: [], usage });
    for (const ev of events) res.write(`data: ${JSON.stringify(ev)}\n\n`);
    res.end("data: [DONE]\n\n");
    return;
  }
  sendJson(res, 200, {
    ...base,
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: words.join(""), refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }],
    usage,
    service_tier: "default",
  });
}

function sendJson(res, status, body) {
  res.writeHead(status, { ...CORS, "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function handle(req, res) {
  const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
  if (path === "/v1/chat/completions") {
    if (req.headers.origin) log.origins.add(req.headers.origin);
    if (req.method === "OPTIONS") {
      log.preflights += 1;
      res.writeHead(204, CORS);
      return res.end();
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    if (req.method !== "POST") return sendJson(res, 405, { error: { message: "use POST", type: "invalid_request_error", param: null, code: null } });
    if (req.headers.authorization !== `Bearer ${API_KEY}`)
      return sendJson(res, 401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    log.chat += 1;
    try {
      return chatCompletion(JSON.parse(Buffer.concat(chunks).toString("utf8")), res);
    } catch (error) {
      return sendJson(res, 400, { error: { message: String(error?.message ?? error), type: "invalid_request_error", param: null, code: null } });
    }
  }
  if (path === "/result" && req.method === "POST") {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    posted = Buffer.concat(chunks).toString("utf8");
    res.writeHead(204).end();
    return openGate();
  }
  if (path === "/gate") return void gateWaiters.push(res);
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" });
    return res.end();
  }
  if (path === "/check.html") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    return res.end(req.method === "HEAD" ? undefined : pageHtml);
  }
  if (path === "/favicon.ico") {
    res.writeHead(204);
    return res.end();
  }
  const file = resolve(root, "." + path);
  const type = TYPES[extname(file)];
  if (!type || !SERVED.some((d) => file.startsWith(d + sep)) || !existsSync(file) || !statSync(file).isFile()) {
    log.notFound.push(path);
    res.writeHead(404, { "content-type": "text/plain" });
    return res.end("not found");
  }
  log.files += 1;
  res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : readFileSync(file));
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(error));
  });
});
const sockets = new Set();
server.on("connection", (s) => {
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
});
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const port = server.address().port;
const closeServer = () => {
  clearTimeout(gateTimer);
  openGate();
  for (const s of sockets) s.destroy();
  return new Promise((done) => server.close(() => done()));
};

// The page is on http://127.0.0.1:PORT, the API on http://localhost:PORT: another origin, so the
// browser sends a CORS preflight for the authorization header, as it would to a real gateway.
const pageOrigin = `http://127.0.0.1:${port}`;
const apiBase = `http://localhost:${port}/v1`;
pageHtml = `<!doctype html>
<html><head><meta charset="utf-8"><title>tokcost browser check</title>
<script type="importmap">${JSON.stringify({ imports: map.imports })}</script>
</head><body><pre id="out">pending</pre><img src="/gate" alt="" width="1" height="1">
<script>
${asciiJson.toString()}
async function report(result) {
  const text = asciiJson(result);
  document.getElementById("out").textContent = text;
  await fetch("/result", { method: "POST", body: text }).catch(() => {});
}
// A module that fails to parse or link never runs its catch below: report that too.
addEventListener("error", (e) => void report({ ok: false, error: String(e.message), stack: \`\${e.filename}:\${e.lineno}:\${e.colno}\` }));
</script>
<script type="module">
const checks = ${runChecks.toString()};
const result = { userAgent: navigator.userAgent, hasProcess: typeof process !== "undefined", hasBuffer: typeof Buffer !== "undefined", hasRequire: typeof require !== "undefined" };
try {
  const lib = await import("/dist/src/index.js");
  result.checks = await checks(lib, ${JSON.stringify(apiBase)});
  result.ok = true;
} catch (error) {
  result.ok = false;
  result.error = String(error && error.message || error);
  result.stack = String(error && error.stack || "");
}
await report(result);
</script></body></html>`;

// ---------------------------------------------------------------------------------------------
// Run Chromium, then the same checks in Node, and compare.
function runChromium(url) {
  const profile = mkdtempSync(join(tmpdir(), "tokcost-chromium-"));
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
    `--user-data-dir=${profile}`,
    "--virtual-time-budget=20000",
    "--dump-dom",
    url,
  ];
  return new Promise((done) => {
    const child = spawn(CHROMIUM, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += "\n[browser-check] Chromium did not finish within 90 s; killed";
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, 90_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      done({ code: null, stdout, stderr: stderr + String(error), profile });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      // Chromium's helper processes share its process group; make sure none is left behind.
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      done({ code, stdout, stderr, profile });
    });
  });
}

const version = await new Promise((done) => {
  const child = spawn(CHROMIUM, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
  let o = "";
  child.stdout.on("data", (d) => (o += d));
  child.on("close", () => done(o.trim()));
  child.on("error", () => done("unknown"));
});

let exitCode = 0;
const failures = [];
const check = (name, actual, expected) => {
  const ok = isDeepStrictEqual(actual, expected);
  if (!ok) failures.push(`${name}: browser ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  return ok;
};

try {
  const t0 = performance.now();
  const chrome = await runChromium(`${pageOrigin}/check.html`);
  rmSync(chrome.profile, { recursive: true, force: true });
  const browserMs = Math.round(performance.now() - t0);
  const match = /<pre id="out">([\s\S]*?)<\/pre>/.exec(chrome.stdout);
  const text = match ? match[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&") : null;
  let browser = null;
  try {
    browser = text && text !== "pending" ? JSON.parse(text) : null;
  } catch {}

  console.log(`browser-check: ${version}; page ${pageOrigin}/check.html, API ${apiBase}`);
  console.log(`  import map: ${Object.keys(map.imports).join(", ")} (${map.modules} modules reachable)`);
  for (const u of map.unresolved) failures.push(`import a browser cannot load: ${u}`);

  if (!browser) {
    console.log(`  files served: ${log.files}`);
    failures.push(
      `no result in the dumped DOM (Chromium exit ${chrome.code}, ${browserMs} ms): ${match ? `#out = ${JSON.stringify(text).slice(0, 200)}` : "no #out element"}; the page ${posted === null ? "posted no result either" : `posted ${posted.slice(0, 300)}`}`,
    );
    const tail = chrome.stderr
      .split("\n")
      .filter((l) => l.trim() && !/unexpected operator|dbus/.test(l))
      .slice(-15)
      .join("\n    ");
    if (tail) console.log(`  Chromium stderr (last lines):\n    ${tail}`);
  } else if (posted !== null && posted !== text) {
    failures.push("the dumped DOM and the result the page posted differ");
  } else if (!browser.ok) {
    failures.push(`the core threw in the browser: ${browser.error}\n    ${browser.stack.split("\n").join("\n    ")}`);
  } else {
    const b = browser.checks;
    const node = await runChecks(lib, `http://127.0.0.1:${port}/v1`);
    const { get_encoding } = await import("tiktoken");
    const tk = (encoding, text) => {
      const enc = get_encoding(encoding);
      try {
        return Array.from(enc.encode(text));
      } finally {
        enc.free();
      }
    };

    check("browser globals (process, Buffer, require)", [browser.hasProcess, browser.hasBuffer, browser.hasRequire], [false, false, false]);
    check('countTokens("hello world", gpt-4o) vs tiktoken', b.countHello, tk("o200k_base", "hello world").length);
    check('encode(" \\u00850", cl100k_base)', b.encodeNel, [220, 126, 227, 15]);
    check('encode(" \\u00850", cl100k_base) vs tiktoken', b.encodeNel, tk("cl100k_base", " \u00850"));
    let samplesOk = 0;
    for (const [i, s] of b.samples.entries()) {
      const ref = tk(node.samples[i].encoding, node.samples[i].text);
      if (check(`sample ${i} ${s.encoding} ids vs tiktoken`, s.ids, ref) & check(`sample ${i} ${s.encoding} count vs tiktoken`, s.count, ref.length)) samplesOk += 1;
    }
    check("decode round trip", b.roundTrip, true);
    check("estimate: exact, fits, cost.total is a number", [b.estimate.exact, b.estimate.fits, b.estimate.costTotalType], [true, true, "number"]);
    check(
      "chat: content and metering",
      [b.call.content, b.stream.text, b.call.source, b.stream.source, b.call.differencePromptTokens, b.call.tokcostEnumerable],
      ["ok ok ok ok ok", "ok ok ok ok ok", "usage", "usage", 0, false],
    );
    check("chat: spending recorded", [b.budget.calls, b.budget.settled, b.budget.exactPromptCalls, b.budget.reservedUsd, b.budget.spentUsd > 0], [2, 2, 2, 0, true]);
    check("wrong key -> ApiError 401", b.wrongKey, { code: "API_ERROR", status: 401, sdkName: "AuthenticationError" });
    check("CORS preflight seen from the page's origin", [log.preflights > 0, [...log.origins].includes(pageOrigin)], [true, true]);
    // Everything the browser computed equals the Node run of the same build (same code, same server).
    for (const key of Object.keys(node)) check(`browser == Node: ${key}`, b[key], node[key]);

    const usd = (n) => (typeof n === "number" ? `$${n.toPrecision(4)}` : String(n));
    console.log(`  ${browser.userAgent}`);
    console.log(`  Chromium run ${browserMs} ms, ${log.files} files served; process/Buffer/require in the page: ${browser.hasProcess}/${browser.hasBuffer}/${browser.hasRequire}`);
    console.log(`  countTokens("hello world", gpt-4o) = ${b.countHello} (tiktoken ${tk("o200k_base", "hello world").length})`);
    console.log(`  encode(" \\u00850", cl100k_base) = [${b.encodeNel}] (tiktoken [${tk("cl100k_base", " \u00850")}])`);
    console.log(`  ${samplesOk}/${b.samples.length} samples (5 encodings) with ids and counts equal to tiktoken's`);
    console.log(`  estimate(gpt-4o, maxTokens 100): ${b.estimate.promptTokens} prompt tokens, exact ${b.estimate.exact}, fits ${b.estimate.fits}, worst case ${usd(b.estimate.costTotal)}`);
    console.log(`  countChatTokens(2 messages, gpt-4o) = ${b.chat.total}, exact ${b.chat.exact}`);
    console.log(
      `  client: "${b.call.content}" (JSON + stream), prompt ${b.call.estimatePromptTokens} estimated = ${b.call.actualPromptTokens} billed; spent ${usd(b.budget.spentUsd)} of $1 over ${b.budget.settled} settled calls; CORS preflights ${log.preflights}; wrong key -> ${b.wrongKey?.sdkName}`,
    );
  }
  if (log.notFound.length) console.log(`  404s: ${log.notFound.join(", ")}`);
} catch (error) {
  failures.push(`browser-check itself failed: ${error?.stack ?? error}`);
} finally {
  await closeServer();
}

if (failures.length) {
  console.log(`browser-check: FAILED (${failures.length})\n  ${failures.join("\n  ")}`);
  exitCode = 1;
} else {
  console.log("browser-check: OK — the core ran in Chromium and matched Node and tiktoken");
}
process.exit(exitCode);
