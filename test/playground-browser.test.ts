/**
 * `tokcost serve` in a real browser: headless Chromium from the system (Debian's chromium,
 * CHROMIUM_BIN to override) driven by puppeteer-core. The page must count exactly as the Node
 * library does on the shared reference vectors, colour tokens at their boundaries, estimate
 * request bodies like the library, and a screenshot is written to docs/playground.png.
 * No skip: if Chromium cannot start, this fails (.ci/run installs it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { extendEncoding, getEncoding, type AllowedSpecial, type Encoding } from "../src/tokenizer/index.js";
import { estimateRequest } from "../src/request/index.js";
import { tokenSegments } from "../src/playground/segments.js";
import { binPath, repoRoot, referencePath } from "./helpers/cli.js";

const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const SCREENSHOT = path.join(repoRoot, "docs", "playground.png");

interface Vector {
  encoding: string;
  text: string;
  ids?: number[];
  count: number;
  allowed_special?: string;
  note?: string;
}
const { vectors } = JSON.parse(readFileSync(referencePath("encoding-vectors.json"), "utf8")) as { vectors: Vector[] };
/** As test/tokenizer-vectors.test.ts reads the reference's allowed_special descriptions. */
const allowedOf = (v: Vector): AllowedSpecial | undefined => {
  const desc = (v.allowed_special ?? "none").trim();
  return desc === "all" || desc.startsWith("all (") || desc.startsWith("allowed_special={") ? "all" : undefined;
};
const customOf = (v: Vector): Record<string, number> | undefined => {
  const custom = v.note?.match(/custom special tokens (\{[^}]*\})/);
  return custom ? (JSON.parse(custom[1]) as Record<string, number>) : undefined;
};
const nodeEncoding = (v: Vector): Encoding => {
  const custom = customOf(v);
  return custom ? extendEncoding(v.encoding as "gpt2", { name: `${v.encoding}-custom`, specialTokens: custom }) : getEncoding(v.encoding);
};

let server: ChildProcess;
let url = "";
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = spawn(process.execPath, [binPath, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  url = await new Promise<string>((resolve, reject) => {
    let out = "";
    server.stdout!.on("data", (d: Buffer) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    server.on("exit", (code) => reject(new Error(`tokcost serve exited with ${code}: ${out}`)));
  });
  try {
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  } catch (error) {
    throw new Error(`Chromium could not start (${CHROMIUM}); install it with: apt-get update && apt-get install -y chromium. ${String(error)}`);
  }
  page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 860 });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.firstCountMs !== undefined || document.body.dataset.failed !== undefined, { timeout: 60_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
});

/** Types `text` into the page as a person would and waits for the render it causes. */
async function show(text: string, options: { whitespace?: boolean; special?: boolean } = {}): Promise<void> {
  const before = await page.evaluate(() => Number(document.body.dataset.renders ?? 0));
  await page.evaluate(
    (t, ws, sp) => {
      const set = (id: string, checked: boolean) => ((document.getElementById(id) as HTMLInputElement).checked = checked);
      set("whitespace", ws);
      set("allow-special", sp);
      const input = document.getElementById("input") as HTMLTextAreaElement;
      input.value = t;
      input.dispatchEvent(new Event("input"));
    },
    text,
    options.whitespace ?? false,
    options.special ?? false,
  );
  await page.waitForFunction((n) => Number(document.body.dataset.renders ?? 0) > n && !document.body.dataset.busy, { timeout: 30_000 }, before);
}

describe("tokcost serve: the playground in Chromium", () => {
  it("starts, and shows the first o200k count", async () => {
    const state = await page.evaluate(() => ({ ...document.body.dataset, error: document.getElementById("error")!.textContent }));
    expect(state.failed).toBeUndefined();
    expect(state.error).toBe("");
    expect(Number(state.firstCountMs)).toBeGreaterThan(0);
    const shown = await page.evaluate(() => document.querySelector('#counts tr[data-encoding="o200k_base"] td:last-child')!.textContent);
    const text = await page.evaluate(() => (document.getElementById("input") as HTMLTextAreaElement).value);
    expect(shown).toBe(String(getEncoding("o200k_base").count(text)));
    console.log(`playground: first o200k count ${state.firstCountMs} ms after navigation (modules ${state.modulesMs} ms, rank table ${state.ranksMs} ms)`);
  });

  it("counts every shared reference vector exactly as the Node library does", async () => {
    const browserResults = await page.evaluate(
      async (list) => {
        const api = (globalThis as unknown as { tokcostPlayground: Record<string, (...a: unknown[]) => unknown> }).tokcostPlayground;
        const out: Array<{ ids: number[]; count: number }> = [];
        for (const v of list) {
          await api.loadRanksFor(v.encoding);
          const enc = (v.custom ? api.extendEncoding(v.encoding, { name: `${v.encoding}-custom`, specialTokens: v.custom }) : api.getEncoding(v.encoding)) as {
            encode(t: string, o: object): number[];
            count(t: string, o: object): number;
          };
          out.push({ ids: enc.encode(v.text, { allowedSpecial: v.allowed }), count: enc.count(v.text, { allowedSpecial: v.allowed }) });
        }
        return out;
      },
      vectors.map((v) => ({ encoding: v.encoding, text: v.text, allowed: allowedOf(v), custom: customOf(v) })),
    );
    expect(browserResults).toHaveLength(vectors.length);
    for (const [i, v] of vectors.entries()) {
      const enc = nodeEncoding(v);
      const node = { ids: enc.encode(v.text, { allowedSpecial: allowedOf(v) }), count: enc.count(v.text, { allowedSpecial: allowedOf(v) }) };
      expect(browserResults[i], `vector #${i} ${v.encoding} ${JSON.stringify(v.text).slice(0, 40)}`).toEqual(node);
      expect(browserResults[i].count).toBe(v.count);
    }
  });

  it("colours the text at token boundaries: one span per token, the ids on hover, the text unchanged", async () => {
    const samples = [
      "The quick brown fox jumps over the lazy dog.",
      "def f(x):\n    return x  # four spaces\n\tEnd",
      "Grüße, 世界! 🎉👩‍👩‍👧 ok?\n\n  x\u00a0y 12345 don't",
      ...vectors
        .filter((v) => v.encoding === "o200k_base" && !allowedOf(v))
        .slice(0, 8)
        .map((v) => v.text),
    ];
    for (const text of samples) {
      await show(text);
      const spans = await page.evaluate(() =>
        [...document.querySelectorAll("#tokens .tok")].map((s) => ({ text: s.textContent!, ids: (s as HTMLElement).dataset.ids!.split(",").map(Number), title: s.getAttribute("title")! })),
      );
      const expected = tokenSegments(getEncoding("o200k_base"), text);
      expect(spans.map((s) => s.text).join("")).toBe(text);
      expect(spans.flatMap((s) => s.ids)).toEqual(getEncoding("o200k_base").encode(text));
      expect(spans.map((s) => ({ text: s.text, ids: s.ids }))).toEqual(expected.map((s) => ({ text: s.text, ids: s.ids })));
      for (const s of spans) {
        expect(s.title).toMatch(/^ids? \d+(, \d+)*$/);
        // a span is one token; only a token that ends inside a character joins the next one
        expect(getEncoding("o200k_base").decode(s.ids)).toBe(s.text);
        if (s.ids.length > 1) expect(getEncoding("o200k_base").decode(s.ids.slice(0, 1))).toContain("\ufffd");
      }
    }
    // visible whitespace and special tokens
    await show("a b\tc\n<|endoftext|>", { whitespace: true, special: true });
    const shown = await page.evaluate(() => [...document.querySelectorAll("#tokens .tok")].map((s) => ({ text: s.textContent, special: s.classList.contains("special") })));
    expect(shown.map((s) => s.text).join("")).toBe("a·b→c↵\n<|endoftext|>");
    expect(shown.filter((s) => s.special).map((s) => s.text)).toEqual(["<|endoftext|>"]);
  });

  it("estimates a request body like the library, with a breakdown bar", async () => {
    const body = {
      model: "gpt-4o",
      max_tokens: 300,
      messages: [
        { role: "system", content: "You are a weather bot." },
        { role: "user", content: [{ type: "text", text: "What is the weather in Paris?" }] },
      ],
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }],
    };
    await show(JSON.stringify(body, null, 2));
    const node = estimateRequest(body);
    const row = await page.evaluate(() => [...document.querySelectorAll("#models tr")].map((r) => [...r.children].map((c) => c.textContent)).find((cells) => cells[0] === "gpt-4o"));
    expect(row?.[1]).toBe(node.promptTokens.toLocaleString("en-US"));
    const bar = await page.evaluate(() => ({
      hidden: (document.getElementById("breakdown-box") as HTMLElement).hidden,
      parts: [...document.querySelectorAll("#breakdown .part")].map((p) => p.getAttribute("title")),
    }));
    expect(bar.hidden).toBe(false);
    expect(bar.parts).toEqual([
      `messages: ${node.breakdown.messages} tokens`,
      `tool definitions: ${node.breakdown.tools + node.breakdown.toolChoice} tokens`,
      `images: 0 tokens`,
      `completion budget: ${node.breakdown.completionTokens} tokens`,
    ]);
  });

  it("writes a screenshot of the page to docs/playground.png", async () => {
    await show('Hello world! Tokens are pieces of words: "tokenization" is 2 of them.\n\tWhitespace, naïve café, Grüße and <|endoftext|> are shown too.', { whitespace: true, special: true });
    // the timing in the status line varies per run; keep the committed picture stable
    await page.evaluate(() => void (document.getElementById("status")!.textContent = "computed in this page, nothing is sent anywhere"));
    await page.screenshot({ path: SCREENSHOT as `${string}.png`, fullPage: true });
    const bytes = readFileSync(SCREENSHOT);
    expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
  });
});
