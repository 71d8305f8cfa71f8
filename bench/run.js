// tokcost benchmark: `npm run bench` (builds first), or `node bench/run.js [sections...]`.
// Sections: throughput adversarial cold workers big (default: all). Options: --big-mb=<n>
// (size of the streamed file, default 1000), --passes=<n> (timed passes per tokenizer, default 2),
// --worker-runs=<n> (fresh processes per --jobs value in the workers section, default 5).
// Everything runs in this one process or in child processes it starts, on a corpus it builds
// from files on this machine (bench/corpus.js → bench/.corpus/, gitignored).
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCorpus, buildDistinctFiles, corpusDir } from "./corpus.js";
import { loadPeers } from "./peers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split("=")[1]) : dflt;
};
const sections = args.filter((a) => !a.startsWith("--"));
const want = (s) => sections.length === 0 || sections.includes(s);
const PASSES = opt("passes", 2);
const BIG_MB = opt("big-mb", 1000);
const WORKER_RUNS = opt("worker-runs", 5);

const { getEncoding } = await import("../dist/src/tokenizer/index.js");
const { installFastRanks } = await import("../dist/src/node/ranks-loader.js");
installFastRanks();

const mbOf = (s) => Buffer.byteLength(s) / 1e6;
const fmt = (x, d = 2) => x.toFixed(d);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function header() {
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync("nproc").toString().trim();
  } catch {}
  const model = (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model;
  console.log(`# tokcost benchmark — ${new Date().toISOString()}`);
  console.log(
    `machine: nproc=${nproc}, CPU: ${model}, RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average at start ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
}

async function throughput(mixed) {
  const text = readFileSync(mixed, "utf8");
  const mb = mbOf(text);
  console.log(`\n## Single-thread counting throughput (corpus: ${fmt(mb, 1)} MB mixed prose/code/JSON/CJK; best of ${PASSES} timed passes after a 1 MB warm-up)\n`);
  console.log("MB/s is per CPU-second of this process (robust when other work shares the machine); wall MB/s alongside.\n");
  console.log("| encoding | tokenizer | tokens | MB/s (CPU) | MB/s (wall) | tokcost ÷ this |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: |");
  const summary = {};
  for (const name of ["cl100k_base", "o200k_base"]) {
    const enc = getEncoding(name);
    const impls = { tokcost: (t) => enc.count(t), ...(await loadPeers(name)) };
    const rates = {};
    const walls = {};
    const counts = {};
    for (const [impl, count] of Object.entries(impls)) {
      count(text.slice(0, 1_000_000));
      let best = Infinity;
      let bestWall = Infinity;
      for (let p = 0; p < PASSES; p++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        counts[impl] = count(text);
        const c = process.cpuUsage(c0);
        bestWall = Math.min(bestWall, (performance.now() - t0) / 1000);
        best = Math.min(best, (c.user + c.system) / 1e6);
      }
      rates[impl] = mb / best;
      walls[impl] = mb / bestWall;
    }
    const peers = Object.keys(rates).filter((k) => k !== "tokcost");
    const fastestPeer = Math.max(...peers.map((p) => rates[p]));
    for (const impl of Object.keys(rates)) {
      const same = counts[impl] === counts.tokcost ? "" : " (count differs!)";
      console.log(`| ${name} | ${impl} | ${counts[impl]}${same} | ${fmt(rates[impl])} | ${fmt(walls[impl])} | ${impl === "tokcost" ? "—" : fmt(rates.tokcost / rates[impl]) + "×"} |`);
    }
    summary[name] = rates.tokcost / fastestPeer;
  }
  for (const [name, ratio] of Object.entries(summary)) console.log(`\n${name}: tokcost is ${fmt(ratio)}× the fastest peer (goal ≥ 3×) ${ratio >= 3 ? "✓" : "✗"}`);
}

function adversarial() {
  console.log("\n## Adversarial pieces (tokcost, no whitespace; best of 3, each on fresh random text)\n");
  console.log("| encoding | input | 100 KB | 1 MB | 1 MB ÷ 100 KB |");
  console.log("| --- | --- | ---: | ---: | ---: |");
  let seed = 42;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const gens = {
    "one repeated letter": (n) => "a".repeat(n),
    "random letters": (n) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join(""),
    "base64 (no whitespace)": (n) => Array.from({ length: n }, () => B64[Math.floor(rnd() * 64)]).join(""),
  };
  for (const name of ["cl100k_base", "o200k_base"]) {
    const enc = getEncoding(name);
    for (const [label, gen] of Object.entries(gens)) {
      const times = [100_000, 1_000_000].map((n) => {
        enc.count(gen(1000));
        let best = Infinity;
        for (let rep = 0; rep < 3; rep++) {
          const t = gen(n); // fresh random text each time: no help from the piece cache
          const t0 = performance.now();
          enc.count(t);
          best = Math.min(best, (performance.now() - t0) / 1000);
        }
        return best;
      });
      console.log(`| ${name} | ${label} | ${fmt(times[0], 3)} s | ${fmt(times[1], 3)} s | ${fmt(times[1] / times[0], 1)}× |`);
    }
  }
}

function timeRun(cmd, argv) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0 && cmd !== "/usr/bin/time") throw new Error(`${cmd} ${argv.join(" ")} failed: ${r.stderr}`);
  return { seconds: (performance.now() - t0) / 1000, out: r.stdout.toString(), err: r.stderr.toString() };
}

function peakRssMB(argv) {
  if (!existsSync("/usr/bin/time")) return NaN;
  const r = timeRun("/usr/bin/time", ["-f", "%M", ...argv]);
  const kb = Number(r.err.trim().split("\n").pop());
  return kb / 1024;
}

function cold() {
  const small = join(corpusDir, "small.txt");
  const fd = openSync(small, "w");
  writeSync(fd, "Hello! This is a small prompt file for the cold-start benchmark.\n");
  closeSync(fd);
  const cli = [join(root, "bin", "tokcost.js"), "count", small, "-m", "gpt-4o"];
  const runs = 15;
  const a = [];
  const b = [];
  timeRun(process.execPath, cli);
  for (let i = 0; i < runs; i++) {
    a.push(timeRun(process.execPath, cli).seconds);
    b.push(timeRun(process.execPath, ["-e", "0"]).seconds);
  }
  const diff = (median(a) - median(b)) * 1000;
  const rss = peakRssMB([process.execPath, ...cli]);
  console.log(`\n## Cold start (${runs} runs each, interleaved; median wall time)\n`);
  console.log(
    `- \`node bin/tokcost.js count small.txt -m gpt-4o\`: ${fmt(median(a) * 1000, 0)} ms; \`node -e 0\`: ${fmt(median(b) * 1000, 0)} ms → +${fmt(diff, 0)} ms (goal ≤ 150 ms) ${diff <= 150 ? "✓" : "✗"}`,
  );
  console.log(`- peak RSS of the count: ${fmt(rss, 1)} MB (goal < 150 MB) ${rss < 150 ? "✓" : "✗"}`);
}

function workers(mixed) {
  const dir = join(corpusDir, "many");
  if (!existsSync(join(dir, "done-4"))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(mixed, "utf8");
    const lines = text.split("\n");
    let file = 0;
    let chunk = [];
    let size = 0;
    const flush = () => {
      const fd = openSync(join(dir, `f${String(file++).padStart(4, "0")}.txt`), "w");
      writeSync(fd, chunk.join("\n"));
      closeSync(fd);
      chunk = [];
      size = 0;
    };
    // 4 passes over the corpus, cut at different line counts: ~1,000 files of 20–80 KB
    for (let copy = 0; copy < 4; copy++) {
      for (const line of lines) {
        chunk.push(line);
        size += line.length;
        if (size > 20_000 + ((file + copy) % 7) * 10_000) flush();
      }
      if (chunk.length) flush();
    }
    closeSync(openSync(join(dir, "done-4"), "w"));
  }
  const measure = (dir, what) => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".txt")).length;
    const child = (jobs) => JSON.parse(timeRun(process.execPath, [join(root, "bench", "count-child.js"), "o200k_base", String(jobs), dir]).out);
    const one = [];
    const two = [];
    for (let i = 0; i < WORKER_RUNS; i++) {
      one.push(child(1));
      two.push(child(2));
    }
    const t1 = median(one.map((r) => r.seconds));
    const t2 = median(two.map((r) => r.seconds));
    const c1 = median(one.map((r) => r.cpuSeconds));
    const c2 = median(two.map((r) => r.cpuSeconds));
    const same = one.every((r) => r.tokens === one[0].tokens) && two.every((r) => r.tokens === one[0].tokens);
    console.log(
      `- ${what} (${files} files, ${fmt(one[0].bytes / 1e6, 1)} MB): --jobs 1: ${fmt(t1)} s (${one[0].tokens} tokens; ${fmt(c1)} CPU-s); --jobs 2: ${fmt(t2)} s (${two[0].tokens} tokens; ${fmt(c2)} CPU-s) → ${fmt(t1 / t2)}× (goal ≥ 1.7×) ${t1 / t2 >= 1.7 ? "✓" : "✗"}${same ? "" : " (TOTALS DIFFER!)"}`,
    );
  };
  console.log(`\n## Worker threads (o200k_base; median of ${WORKER_RUNS} fresh processes each, interleaved; time of countFiles, CPU of the whole process)\n`);
  measure(buildDistinctFiles(), "distinct files (node_modules text files, deduplicated, + CJK)");
  // The corpus four times over: one thread's piece cache sees every piece four times, two workers split those hits.
  measure(dir, "the mixed corpus four times over, cut into files");
  // A bigger directory: each extra thread has a fixed cost (its own JIT warm-up and optimizing compiles), which
  // more text amortizes.
  measure(buildLargeDir(mixed), "the mixed corpus ~16 times over, 1,000 files of ~250 KB");
}

/** ~250 MB in 1,000 files of ~250 KB, cut at line ends from the mixed corpus repeated. */
function buildLargeDir(mixed) {
  const dir = join(corpusDir, "large");
  if (existsSync(join(dir, "done"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const lines = readFileSync(mixed, "utf8").split("\n");
  let next = 0;
  for (let file = 0; file < 1000; file++) {
    const chunk = [];
    let size = 0;
    while (size < 250_000) {
      const line = lines[next++ % lines.length];
      chunk.push(line);
      size += Buffer.byteLength(line) + 1;
    }
    writeFileSync(join(dir, `f${String(file).padStart(4, "0")}.txt`), chunk.join("\n"));
  }
  closeSync(openSync(join(dir, "done"), "w"));
  return dir;
}

function big(mixed) {
  const path = join(corpusDir, `big-${BIG_MB}mb.txt`);
  if (!existsSync(path) || statSync(path).size < BIG_MB * 1e6) {
    const text = readFileSync(mixed);
    const fd = openSync(path, "w");
    let written = 0;
    while (written < BIG_MB * 1e6) {
      writeSync(fd, text);
      written += text.length;
    }
    closeSync(fd);
  }
  const size = statSync(path).size;
  console.log(`\n## Streaming a ${fmt(size / 1e9, 2)} GB file (o200k_base, fresh process; peak RSS from the OS)\n`);
  for (const jobs of [1, 2]) {
    const argv = [join(root, "bench", "count-child.js"), "o200k_base", String(jobs), path];
    const r = existsSync("/usr/bin/time") ? timeRun("/usr/bin/time", ["-f", "%M", process.execPath, ...argv]) : timeRun(process.execPath, argv);
    const res = JSON.parse(r.out);
    const rss = existsSync("/usr/bin/time") ? Number(r.err.trim().split("\n").pop()) / 1024 : res.maxRssMB;
    console.log(`- --jobs ${jobs}: ${res.tokens} tokens in ${fmt(res.seconds, 1)} s (${fmt(size / 1e6 / res.seconds, 1)} MB/s), peak RSS ${fmt(rss, 0)} MB (goal < 300 MB) ${rss < 300 ? "✓" : "✗"}`);
  }
}

header();
const { mixed } = buildCorpus(20);
if (want("throughput")) await throughput(mixed);
if (want("adversarial")) adversarial();
if (want("cold")) cold();
if (want("workers")) workers(mixed);
if (want("big")) big(mixed);
