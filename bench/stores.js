// Budget store throughput: reservations per second (each = one reserve + one settle, the two
// atomic steps of a call) through the memory ledger, the file ledger and Redis, from one process,
// one at a time and 32 in flight, for 10 s each (0.5 s with --quick). `npm run bench:stores` (builds first) or `node bench/stores.js
// [--quick]`. Starts its own redis-server (127.0.0.1, a free port, a temp dir) twice: AOF with
// appendfsync always, then everysec; set REDIS_URL to measure an existing server instead.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { Budget, MemoryLedger } from "../dist/src/request/budget.js";
import { FileLedger } from "../dist/src/node/ledger.js";
import { createRedisBudgetStore } from "../dist/src/redis/index.js";

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 0.5 : 10;
const CONCURRENCY = [1, 32];

/** Reserve + settle cycles for SECONDS (after a short warm-up); returns [cycles, cycles per second]. */
async function measure(budget, concurrency) {
  let next = 0;
  let stopAt = 0;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const i = next++;
      const r = await budget.reserve(`bench-${i}`, { usd: 0.0002, tokens: 300 });
      await budget.settle(r, { usd: 0.0001, tokens: 150 });
    }
  };
  stopAt = performance.now() + 200;
  await Promise.all(Array.from({ length: concurrency }, worker));
  const warm = next;
  const start = performance.now();
  stopAt = start + SECONDS * 1000;
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const status = await budget.refresh();
  if (status.calls !== next || status.reserved.tokens !== 0) throw new Error(`store lost track: ${status.calls} calls settled of ${next}, ${status.reserved.tokens} tokens still reserved`);
  return [next - warm, (next - warm) / seconds];
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function startRedis(fsync) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "tokcost-bench-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", fsync, "--save", ""], { stdio: "ignore" });
  await new Promise((resolve, reject) => {
    child.on("error", (e) => reject(new Error(`cannot run redis-server (${e.message}); install it: apt-get install -y redis-server`)));
    const poll = () => {
      const sock = connect(port, "127.0.0.1");
      sock.on("connect", () => (sock.destroy(), resolve()));
      sock.on("error", () => setTimeout(poll, 50));
    };
    poll();
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => (child.kill("SIGKILL"), rmSync(dir, { recursive: true, force: true })) };
}

let nproc = String(cpus().length);
try {
  nproc = execFileSync("nproc").toString().trim();
} catch {}
const cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model;
let redisVersion = "";
try {
  redisVersion =
    execFileSync("redis-server", ["--version"])
      .toString()
      .match(/v=(\S+)/)?.[1] ?? "";
} catch {}
console.log(`# budget store throughput — ${new Date().toISOString()}${quick ? " (--quick)" : ""}`);
console.log(
  `machine: nproc=${nproc}, CPU: ${cpu}, RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, redis-server ${redisVersion}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}\n`,
);
console.log(`Each store is driven for ${SECONDS} s (after a 0.2 s warm-up) by one process; a reservation is one reserve + one settle.\n`);
console.log("| store | calls | in flight | reservations/s (reserve + settle) |");
console.log("| --- | ---: | ---: | ---: |");
const row = (name, c, [n, rate]) => console.log(`| ${name} | ${n} | ${c} | ${Math.round(rate).toLocaleString("en-US")} |`);

for (const c of CONCURRENCY) row("memory", c, await measure(new Budget({ usd: 1e6 }, { ledger: new MemoryLedger() }), c));
for (const c of CONCURRENCY) {
  const dir = mkdtempSync(join(tmpdir(), "tokcost-bench-ledger-"));
  row("file ledger (lock + fsync per step)", c, await measure(new Budget({ usd: 1e6 }, { ledger: new FileLedger(join(dir, "spend.json")) }), c));
  rmSync(dir, { recursive: true, force: true });
}
const servers = process.env.REDIS_URL
  ? [["given REDIS_URL", { url: process.env.REDIS_URL, stop: () => {} }]]
  : [
      ["appendfsync always", await startRedis("always")],
      ["appendfsync everysec", null],
    ];
for (let i = 0; i < servers.length; i++) {
  const [label] = servers[i];
  const server = servers[i][1] ?? (await startRedis("everysec"));
  try {
    for (const c of CONCURRENCY) {
      const store = createRedisBudgetStore({ url: server.url, key: `bench-${process.pid}-${label}-${c}` });
      row(`Redis, AOF ${label}`, c, await measure(new Budget({ usd: 1e6 }, { store }), c));
      await store.close();
    }
  } finally {
    server.stop();
  }
}
