// Random-string exactness check (not a test: the suite runs a smaller fast-check sample):
// compares tokcost's token ids and counts with tiktoken (WASM build of OpenAI's Rust core) on
// N seeded random strings per encoding — mixed scripts, whitespace of every kind, long runs,
// lone surrogates, special-token text.
//
//   node bench/check-random.js [--n=20000] [--seed=1]     exit code 1 if any string differs
import { get_encoding } from "tiktoken";

const { getEncoding } = await import("../dist/src/index.node.js");

const opt = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split("=")[1]) : fallback;
};
const N = opt("n", 20_000);
const SEED = opt("seed", 1);
const NAMES = ["gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base"];

/** mulberry32: small, seeded, good enough to spread inputs. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Code point ranges, weighted towards where the split patterns have rules (ASCII, Latin, whitespace,
// CJK, marks, digits of other scripts, astral letters and emoji).
const RANGES = [
  [0x20, 0x7e, 30],
  [0x00, 0x1f, 3],
  [0x80, 0xff, 6],
  [0x100, 0x24f, 4],
  [0x300, 0x36f, 3],
  [0x370, 0x52f, 4],
  [0x590, 0x6ff, 3],
  [0x900, 0x97f, 2],
  [0xe00, 0xe7f, 2],
  [0x1100, 0x11ff, 1],
  [0x2000, 0x206f, 4],
  [0x2070, 0x2bff, 2],
  [0x3000, 0x30ff, 4],
  [0x4e00, 0x9fff, 6],
  [0xac00, 0xd7a3, 3],
  [0xd800, 0xdfff, 1],
  [0xf900, 0xffff, 2],
  [0x10000, 0x1ffff, 3],
  [0x20000, 0x3ffff, 1],
  [0xe0000, 0x10ffff, 1],
];
const TOTAL = RANGES.reduce((a, r) => a + r[2], 0);
const WORDS = [
  " ",
  "  ",
  "\n",
  "\r\n",
  "\t",
  "\u0085",
  "\u00a0",
  "\u3000",
  "\ufeff",
  "'s",
  "'LL",
  "’t",
  "<|endoftext|>",
  "<|fim_prefix|>",
  "123456",
  "0.5",
  "don't",
  "Hello",
  " world",
  "中文",
  "😀👍🏽",
  "e\u0301",
];

function randomString(rand) {
  const parts = [];
  const pieces = 1 + Math.floor(rand() * 30);
  for (let p = 0; p < pieces; p++) {
    const kind = rand();
    if (kind < 0.35) parts.push(WORDS[Math.floor(rand() * WORDS.length)]);
    else if (kind < 0.45) {
      // a run: long runs of letters, digits, spaces or newlines stress the merge and the split
      const unit = ["a", "Z", "7", " ", "\n", "\t", "中", "é", "!", "ab"][Math.floor(rand() * 10)];
      parts.push(unit.repeat(2 + Math.floor(rand() * 200)));
    } else {
      let pick = rand() * TOTAL;
      let range = RANGES[0];
      for (const r of RANGES)
        if ((pick -= r[2]) < 0) {
          range = r;
          break;
        }
      const cp = range[0] + Math.floor(rand() * (range[1] - range[0] + 1));
      parts.push(cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp));
    }
  }
  return parts.join("");
}

const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
let failed = false;
for (const name of NAMES) {
  const ref = get_encoding(name);
  const enc = getEncoding(name);
  const rand = prng(SEED);
  let diffs = 0;
  let chars = 0;
  const examples = [];
  for (let i = 0; i < N; i++) {
    const s = randomString(rand);
    chars += s.length;
    const expected = Array.from(ref.encode(s, [], []));
    if (!same(enc.encode(s), expected) || enc.count(s) !== expected.length) {
      diffs++;
      if (examples.length < 3) examples.push(JSON.stringify(s));
    }
  }
  ref.free();
  console.log(`${name}: ${N} random strings (${chars.toLocaleString("en-US")} UTF-16 units), ${diffs} differing from tiktoken${examples.length ? `, e.g. ${examples.join(", ")}` : ""}`);
  if (diffs) failed = true;
}
process.exitCode = failed ? 1 : 0;
