// Child process for whole-process measurements: counts files with tokcost's countFiles and
// prints one JSON line with the tokens, the wall time of countFiles, the CPU time and the peak RSS
// of this process.
// usage: node bench/count-child.js <encoding> <jobs> <file or directory>...
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { countFiles } from "../dist/src/node/index.js";

const [encoding, jobs, ...inputs] = process.argv.slice(2);
const paths = [];
for (const p of inputs) {
  if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) paths.push(join(p, f));
  else paths.push(p);
}
const t0 = performance.now();
const results = await countFiles(paths, { encoding, jobs: Number(jobs) });
const seconds = (performance.now() - t0) / 1000;
const tokens = results.reduce((a, r) => a + r.tokens, 0);
const bytes = results.reduce((a, r) => a + r.bytes, 0);
const errors = results.filter((r) => r.error).length;
const cpu = process.cpuUsage(); // all threads of the process, start-up included
console.log(JSON.stringify({ tokens, bytes, files: paths.length, errors, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
