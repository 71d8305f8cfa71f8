#!/usr/bin/env node
/**
 * Benchmark of `tokcost check` on 10,000 prompt files (the scale target of the CI gate: under
 * 10 s on a 2-core machine). Generates a synthetic prompt repo in a temp directory — 9,000 text
 * and Markdown prompts and 1,000 chat request JSON files, varied text so the tokenizer's caches
 * do not flatter it — then times whole `tokcost check` processes, cold and with a warm
 * --cache, and reports peak memory (via /usr/bin/time -v when present).
 *
 *   npm run build && node bench/check.mjs [--files 10000] [--runs 3] [--keep]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const FILES = option("--files", 10_000);
const RUNS = option("--runs", 3);
const bin = fileURLToPath(new URL("../bin/tokcost.js", import.meta.url));

// deterministic pseudo-random numbers so every run benchmarks the same repo
let seed = 0x2545f491;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};
const pick = (list) => list[Math.floor(rand() * list.length)];
const WORDS =
  "the a customer support agent answer question billing account invoice refund policy deploy cluster region latency error retry timeout summarise classify extract translate respond politely concise bullet points json schema field value example context document section paragraph clause contract renewal notice payment tool call function argument weather forecast city temperature unit celsius fahrenheit escalate ticket priority severity incident outage status page runbook database index query migration rollback feature flag experiment metric dashboard alert threshold user profile preference language français deutsch español 日本語 中文 emoji 🙂 naïve café résumé".split(
    " ",
  );
function sentence() {
  const n = 6 + Math.floor(rand() * 18);
  const words = Array.from({ length: n }, () => pick(WORDS));
  if (rand() < 0.2) words.push(String(Math.floor(rand() * 100000)));
  if (rand() < 0.1) words.push(`\`${pick(["npm ci", "kubectl get pods", "SELECT * FROM t", "git rebase -i"])}\``);
  return words.join(" ").replace(/^./, (c) => c.toUpperCase()) + pick([".", ".", ".", "?", "!", ":"]);
}
function prompt(bytes) {
  let out = rand() < 0.5 ? `# ${sentence()}\n\n` : "";
  while (out.length < bytes) out += (rand() < 0.15 ? "\n- " : rand() < 0.1 ? "\n\n" : " ") + sentence();
  return out + "\n";
}
const size = () => Math.round(400 + Math.pow(rand(), 2) * 6000); // mostly short, some long (mean ≈ 2.4 KB)

function generate(root) {
  const requests = Math.floor(FILES / 10);
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const team = `team-${i % 20}`;
    let file;
    let content;
    if (i < requests) {
      file = path.join(root, "requests", team, `req-${i}.json`);
      content = JSON.stringify(
        {
          model: "gpt-4o-mini",
          messages: [
            { role: "system", content: prompt(size() / 2) },
            { role: "user", content: prompt(300) },
          ],
          max_tokens: 500,
        },
        null,
        2,
      );
    } else {
      file = path.join(root, "prompts", team, `flow-${i % 7}`, `p-${i}.${i % 3 === 0 ? "md" : "txt"}`);
      content = prompt(size());
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    bytes += Buffer.byteLength(content);
  }
  writeFileSync(
    path.join(root, "tokcost.config.json"),
    JSON.stringify({
      model: "gpt-4o",
      maxTokens: "1k",
      rules: [
        { name: "prompts", files: ["prompts/**/*.{txt,md}"], limits: { maxPromptTokens: "8k", maxCostUsd: 0.05, totalCostUsd: 500 } },
        { name: "requests", files: "requests/**/*.json", limits: { maxCostUsd: "$0.01" } },
      ],
    }),
  );
  mkdirSync(path.join(root, ".git"));
  return bytes;
}

const hasTime = existsSync("/usr/bin/time");
function run(root, extra) {
  const cmd = hasTime ? "/usr/bin/time" : process.execPath;
  const cmdArgs = hasTime ? ["-v", process.execPath, bin, "check", "--format", "json", ...extra] : [bin, "check", "--format", "json", ...extra];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, cmdArgs, { cwd: root, encoding: "utf8", maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: "1" } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`tokcost check exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(r.stdout);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { seconds, rssMb: rss ? Number(rss[1]) / 1024 : null, report };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = mkdtempSync(path.join(tmpdir(), "tokcost-bench-check-"));
try {
  const t0 = Date.now();
  const bytes = generate(root);
  console.log(
    `generated ${FILES.toLocaleString("en-US")} files (${(bytes / 1e6).toFixed(1)} MB) in ${root} in ${((Date.now() - t0) / 1000).toFixed(1)} s; node ${process.version}, ${cpus().length} cores`,
  );
  const scenarios = [
    { name: "cold (no cache)", args: [], before: () => {} },
    { name: "cache, first run (writes it)", args: ["--cache", "bench-cache.json"], before: () => rmSync(path.join(root, "bench-cache.json"), { force: true }) },
    { name: "cache, warm (nothing changed)", args: ["--cache", "bench-cache.json"], before: () => {} },
  ];
  const rows = [];
  for (const s of scenarios) {
    const times = [];
    const rss = [];
    let report;
    for (let i = 0; i < RUNS; i++) {
      s.before();
      const r = run(root, s.args);
      times.push(r.seconds);
      if (r.rssMb !== null) rss.push(r.rssMb);
      report = r.report;
      // the warm scenario needs the cache written by a previous run of the same kind
      if (s.name.startsWith("cache, first")) break;
    }
    const m = median(times);
    rows.push({
      scenario: s.name,
      runs: times.length,
      median: m,
      min: Math.min(...times),
      rss: rss.length ? Math.max(...rss) : null,
      checks: report.summary.checks,
      cached: report.summary.cached,
      tokens: report.summary.promptTokens,
    });
  }
  console.log("");
  console.log("| scenario | runs | median | min | peak RSS | checks | from cache | prompt tokens |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows)
    console.log(
      `| ${r.scenario} | ${r.runs} | ${r.median.toFixed(2)} s | ${r.min.toFixed(2)} s | ${r.rss === null ? "—" : `${r.rss.toFixed(0)} MB`} | ${r.checks.toLocaleString("en-US")} | ${r.cached.toLocaleString("en-US")} | ${r.tokens.toLocaleString("en-US")} |`,
    );
  const cold = rows[0].median;
  console.log(`\n${cold < 10 ? "OK" : "SLOW"}: ${FILES.toLocaleString("en-US")} files checked cold in ${cold.toFixed(2)} s (target < 10 s)`);
} finally {
  if (args.includes("--keep")) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
