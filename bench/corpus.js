// Builds the benchmark corpus from files on this machine (deterministic for a given
// node_modules): prose (markdown), source code, JSON, and CJK text generated from a fixed
// pseudo-random sequence over common CJK ideographs, kana and punctuation.
// Output: bench/.corpus/{prose,code,json,cjk,mixed}.txt  (bench/.corpus is gitignored)
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const corpusDir = join(root, "bench", ".corpus");

function walk(dir, out, depth = 0) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < 12 && e.name !== ".corpus" && e.name !== ".git") walk(p, out, depth + 1);
    } else if (e.isFile()) out.push(p);
  }
}

function collect(files, test, quota) {
  const parts = [];
  let size = 0;
  for (const f of files) {
    if (size >= quota) break;
    if (!test(f)) continue;
    let st;
    try {
      st = statSync(f);
    } catch {
      continue;
    }
    // skip huge single files (e.g. rank tables: one giant base64 string) and empty ones
    if (st.size === 0 || st.size > 400_000) continue;
    const text = readFileSync(f, "utf8");
    parts.push(text);
    size += Buffer.byteLength(text);
  }
  return parts.join("\n");
}

function cjk(bytes, seed = 12345) {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
  const punct = "，。、！？：；「」（）";
  let out = "";
  let size = 0;
  while (size < bytes) {
    let line = "";
    const words = 10 + Math.floor(rnd() * 40);
    for (let w = 0; w < words; w++) {
      const r = rnd();
      // common ideographs are concentrated at the start of the block: skew the distribution
      if (r < 0.8) line += String.fromCharCode(0x4e00 + Math.floor(rnd() * rnd() * 0x51a5));
      else if (r < 0.9)
        line += String.fromCharCode(0x3041 + Math.floor(rnd() * 0x56)); // hiragana
      else if (r < 0.97) line += punct[Math.floor(rnd() * punct.length)];
      else line += " " + Math.floor(rnd() * 1000) + " ";
    }
    line += "\n";
    out += line;
    size += Buffer.byteLength(line);
  }
  return out;
}

/** Builds (or reuses) the corpus; returns paths. `mb` = total size of the mixed corpus. */
export function buildCorpus(mb = 20) {
  mkdirSync(corpusDir, { recursive: true });
  const mixed = join(corpusDir, "mixed.txt");
  const marker = join(corpusDir, `built-${mb}`);
  if (!existsSync(marker)) {
    const files = [];
    walk(join(root, "node_modules"), files);
    walk(join(root, "..", "shared"), files);
    const quota = mb * 1_000_000;
    const prose = collect(files, (f) => /\.(md|markdown|txt)$/i.test(f) && !/LICENSE|CHANGELOG/i.test(f), quota * 0.3);
    const code = collect(files, (f) => /\.(ts|js|mjs|cjs)$/.test(f) && !/\.min\.|ranks|encoders|\.d\.ts$/.test(f), quota * 0.35);
    const json = collect(files, (f) => /\.json$/.test(f) && !/encoders|ranks/.test(f), quota * 0.2);
    const cjkText = cjk(quota * 0.15);
    writeFileSync(join(corpusDir, "prose.txt"), prose);
    writeFileSync(join(corpusDir, "code.txt"), code);
    writeFileSync(join(corpusDir, "json.txt"), json);
    writeFileSync(join(corpusDir, "cjk.txt"), cjkText);
    writeFileSync(mixed, [prose, code, json, cjkText].join("\n"));
    writeFileSync(marker, "");
  }
  return { dir: corpusDir, mixed };
}

/**
 * A directory of many files with distinct content, as a repository has: every text file of
 * node_modules (and ../shared) between 2 and 400 KB, duplicates removed by content hash, plus
 * 200 CJK files of 50 KB, each from its own seed. Returns the directory.
 */
export function buildDistinctFiles() {
  const dir = join(corpusDir, "distinct");
  if (existsSync(join(dir, "done"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = [];
  walk(join(root, "node_modules"), files);
  walk(join(root, "..", "shared"), files);
  const seen = new Set();
  let n = 0;
  const write = (text) => writeFileSync(join(dir, `f${String(n++).padStart(4, "0")}.txt`), text);
  for (const f of files) {
    if (!/\.(md|markdown|txt|ts|js|mjs|cjs|json)$/i.test(f) || /\.min\.|ranks|encoders/.test(f)) continue;
    const size = statSync(f).size;
    if (size < 2_000 || size > 400_000) continue;
    const text = readFileSync(f);
    const hash = createHash("sha1").update(text).digest("hex");
    if (seen.has(hash)) continue;
    seen.add(hash);
    write(text);
  }
  for (let i = 0; i < 200; i++) write(cjk(50_000, 1000 + i));
  writeFileSync(join(dir, "done"), "");
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { mixed } = buildCorpus(Number(process.argv[2] ?? 20));
  console.log(mixed, statSync(mixed).size);
}
