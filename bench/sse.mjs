// SSE parsing speed: tokcost's SseParser (eventsource-parser behind it) against eventsource-parser
// alone, on a chat stream read in network-sized and tiny chunks and on an endless line (refused at
// the limit). `--baseline <file>` adds another build's SseParser (e.g. the hand-written parser of
// commit 9087758: git worktree add /tmp/old 9087758 && (cd /tmp/old && npm ci)).
// Usage: npm run build && node bench/sse.mjs [--baseline /tmp/old/dist/src/request/sse.js]
import { createParser } from "eventsource-parser";
import { SseParser } from "../dist/src/request/sse.js";

const baselineAt = process.argv.indexOf("--baseline");
const Baseline = baselineAt > 0 ? (await import(new URL(process.argv[baselineAt + 1], `file://${process.cwd()}/`).href)).SseParser : undefined;
const te = new TextEncoder();
const chunks = (text, size) => {
  const bytes = te.encode(text);
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
};
const event = (i) =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: ` word${i}` }, finish_reason: null }] })}\n\n`;
let chat = "";
for (let i = 0; i < 100_000; i++) chat += event(i) + (i % 50 === 0 ? ": keepalive\n\n" : "");
const LIMIT = 64 * 1024 * 1024;
const cases = {
  "100,000 chat chunks + keepalives, 16 KiB reads": chunks(`${chat}data: [DONE]\n\n`, 16384),
  "the first 2 MB of it, 7-byte reads": chunks(chat.slice(0, 2e6), 7),
  "an endless 64 MiB line, 1 KiB reads": chunks(`data: ${"x".repeat(LIMIT)}`, 1024),
};
const viaSseParser = (Parser) => (cs) => {
  const parser = new Parser({ maxLineLength: LIMIT });
  let n = 0;
  try {
    for (const c of cs) n += parser.push(c).length;
    n += parser.end().length;
  } catch (error) {
    return `${n} events, then ${error.constructor.name}`;
  }
  return `${n} events`;
};
const eventsourceParser = (cs) => {
  const decoder = new TextDecoder();
  let n = 0;
  let error;
  const parser = createParser({ onEvent: () => n++, onError: (e) => (error = e), maxBufferSize: LIMIT });
  for (const c of cs) {
    parser.feed(decoder.decode(c, { stream: true }));
    if (error) return `${n} events, then ${error.type}`;
  }
  parser.feed(`${decoder.decode()}\n\n`);
  return `${n} events`;
};
const parsers = [["tokcost SseParser", viaSseParser(SseParser)], ["eventsource-parser alone", eventsourceParser], ...(Baseline ? [["baseline SseParser", viaSseParser(Baseline)]] : [])];
console.log("| Input | Parser | Median of 5 | Result |\n| --- | --- | ---: | --- |");
for (const [name, cs] of Object.entries(cases)) {
  for (const [who, run] of parsers) {
    const times = [];
    let result;
    for (let k = 0; k < 5; k++) {
      const start = performance.now();
      result = run(cs);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${name} | ${who} | ${times[2].toFixed(0)} ms | ${result} |`);
  }
}
