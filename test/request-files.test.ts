/** tokcost/node request files: recognition by shape, batch and fine-tuning JSONL, local images. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { detectRequestFile, estimateBatchFile, estimateFineTuningFile, estimateRequestFile, readImageSize } from "../src/node/index.js";
import { imageUrlsOf, isLocalImageRef } from "../src/node/request-files.js";
import { defaultEpochs, countChatTokens, getModel, InputError, PricingTable, parsePricingFile } from "../src/index.js";
import { gif, jpeg, png, webpVp8x } from "./fixtures/requests/image-bytes.js";

const fixture = (name: string) => path.join(import.meta.dirname, "fixtures", "requests", name);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "tokcost-requests-"));
  writeFileSync(path.join(dir, "photo.png"), png(1024, 1024));
  writeFileSync(path.join(dir, "photo.jpg"), jpeg(2048, 4096, 100_000));
  writeFileSync(path.join(dir, "anim.gif"), gif(300, 200));
  writeFileSync(path.join(dir, "pic.webp"), webpVp8x(640, 480));
  writeFileSync(path.join(dir, "notes.txt"), "just text");
  writeFileSync(
    path.join(dir, "vision.json"),
    JSON.stringify({
      model: "gpt-4o",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare these." },
            { type: "image_url", image_url: { url: "photo.png", detail: "high" } },
            { type: "image_url", image_url: { url: "photo.jpg", detail: "high" } },
          ],
        },
      ],
      max_tokens: 300,
    }),
  );
  writeFileSync(path.join(dir, "pretty.json"), JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] }, null, 2));
  // A large batch file, streamed line by line.
  const line = (i: number) =>
    JSON.stringify({ custom_id: `r${i}`, method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: `Question number ${i}` }], max_tokens: 20 } });
  writeFileSync(path.join(dir, "big.jsonl"), Array.from({ length: 3000 }, (_, i) => line(i)).join("\n") + "\n");
});

describe("recognising files by shape", () => {
  it.each([
    ["cookbook-chat.json", "request"],
    ["completions.json", "request"],
    ["embeddings.json", "request"],
    ["responses.json", "request"],
    ["batch-mixed.jsonl", "batch"],
    ["fine-tune-mixed.jsonl", "fine-tune"],
    ["note.txt", "text"],
  ] as const)("%s → %s", async (name, kind) => {
    expect(await detectRequestFile(fixture(name))).toBe(kind);
  });

  it("a pretty-printed request and plain text", async () => {
    expect(await detectRequestFile(path.join(dir, "pretty.json"))).toBe("request");
    expect(await detectRequestFile(path.join(dir, "notes.txt"))).toBe("text");
  });

  it("a missing file is one clear error", async () => {
    await expect(detectRequestFile(path.join(dir, "nope.json"))).rejects.toThrow(/no such file/);
  });

  it("request bodies one per line are a JSONL of requests; one body and a trailing newline is a request", async () => {
    const body = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    writeFileSync(path.join(dir, "bodies.jsonl"), `${body}\n${body}\n`);
    writeFileSync(path.join(dir, "one.json"), `${body}\n\n`);
    expect(await detectRequestFile(path.join(dir, "bodies.jsonl"))).toBe("requests");
    expect(await detectRequestFile(path.join(dir, "one.json"))).toBe("request");
    // read as one request body, such a file says how to read it instead of where JSON.parse stopped
    await expect(estimateRequestFile(path.join(dir, "bodies.jsonl"))).rejects.toThrow(/one JSON value per line \(JSONL\), not one request body/);
  });
});

describe("request files", () => {
  it("estimates the cookbook request at the API-measured 129 tokens", async () => {
    const e = await estimateRequestFile(fixture("cookbook-chat.json"));
    expect(e.promptTokens).toBe(129);
    expect(e.exact).toBe(true);
    expect(e.maxTokens).toBe(200);
  });

  it("measures local images from their headers (PNG 1024² = 765, JPEG 2048×4096 = 1105 on gpt-4o)", async () => {
    const e = await estimateRequestFile(path.join(dir, "vision.json"));
    expect(e.breakdown.images).toBe(765 + 1105);
    expect(e.exact).toBe(true);
    expect(e.promptTokens).toBe(countChatTokens([{ role: "user", content: "Compare these." }], { model: "gpt-4o" }).total + 765 + 1105);
    expect(e.warnings.join(" ")).toMatch(/local image paths/);
  });

  it("reads GIF and WebP sizes, and rejects other files", async () => {
    expect(await readImageSize(path.join(dir, "anim.gif"))).toEqual({ width: 300, height: 200, format: "gif" });
    expect(await readImageSize(path.join(dir, "pic.webp"))).toEqual({ width: 640, height: 480, format: "webp" });
    await expect(readImageSize(path.join(dir, "notes.txt"))).rejects.toThrow(InputError);
  });

  it("finds image references and tells local from remote", () => {
    expect(imageUrlsOf({ input: [{ role: "user", content: [{ type: "input_image", image_url: "a.png" }] }] })).toEqual(["a.png"]);
    expect(isLocalImageRef("https://x/y.png")).toBe(false);
    expect(isLocalImageRef("data:image/png;base64,AAAA")).toBe(false);
    expect(isLocalImageRef("file:///tmp/a.png")).toBe(true);
    expect(isLocalImageRef("./a.png")).toBe(true);
  });
});

describe("batch files", () => {
  it("reports bad lines with their number and reason, and still counts the rest", async () => {
    const b = await estimateBatchFile(fixture("batch-mixed.jsonl"));
    expect(b.totals.requests).toBe(2);
    expect(b.totals.invalid).toBe(3);
    expect(b.errors.map((e) => e.line)).toEqual([2, 3, 6]);
    expect(b.errors[0]).toMatchObject({ customId: "typo", param: "max_token", message: "Unrecognized request argument supplied: max_token (did you mean max_tokens?)" });
    expect(b.errors[1].message).toMatch(/^not valid JSON/);
    expect(b.errors[2].message).toMatch(/duplicate custom_id 'ok-1'/);
    expect(b.lines.map((l) => [l.line, l.kind])).toEqual([
      [1, "chat"],
      [5, "embeddings"],
    ]);
  });

  it("applies batch rates and sums the lines", async () => {
    const b = await estimateBatchFile(path.join(dir, "big.jsonl"), { keepLines: 100 });
    expect(b.totals.requests).toBe(3000);
    expect(b.lines).toHaveLength(100);
    expect(b.linesOmitted).toBe(2900);
    const first = countChatTokens([{ role: "user", content: "Question number 0" }], { model: "gpt-4o-mini" }).total;
    expect(b.lines[0].promptTokens).toBe(first);
    expect(b.totals.completionTokens).toBe(3000 * 20);
    // priced at the bundled table's Batch API rates for gpt-4o-mini
    const { pricing } = getModel("gpt-4o-mini");
    expect(pricing.batchInput).toBeDefined();
    expect(b.lines[0].cost.total! * 1e6).toBeCloseTo(b.lines[0].promptTokens * pricing.batchInput! + 20 * pricing.batchOutput!, 6);
    expect(b.totals.cost.total! * 1e6).toBeCloseTo(b.totals.promptTokens * pricing.batchInput! + b.totals.completionTokens * pricing.batchOutput!, 4);
  });

  it("names the lines a warning comes from, once per warning", async () => {
    const file = path.join(dir, "warn.jsonl");
    const line = (id: string, extra: object) =>
      JSON.stringify({ custom_id: id, method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5, ...extra } });
    const rows = [line("a", {}), line("b", { n: 2 }), ...Array.from({ length: 7 }, (_, i) => line(`c${i}`, { n: 3 }))];
    writeFileSync(file, rows.join("\n") + "\n");
    const b = await estimateBatchFile(file);
    expect(b.warnings).toContain("line 2: 2 choices per prompt: the completion budget is billed 2 times");
    expect(b.warnings).toContain("lines 3, 4, 5, 6, 7 and 2 more: 3 choices per prompt: the completion budget is billed 3 times");
    writeFileSync(file, [line("x", { n: 2 }), line("y", { n: 2 })].join("\n") + "\n");
    expect((await estimateBatchFile(file)).warnings).toContain("2 choices per prompt: the completion budget is billed 2 times");
  });

  it('lines: "requests" reads bare request bodies at standard rates, with the billing options', async () => {
    const file = path.join(dir, "bodies-billing.jsonl");
    const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Question number 0" }], max_tokens: 20 };
    writeFileSync(file, [body, body, { nothing: true }].map((l) => JSON.stringify(l)).join("\n") + "\n");
    const b = await estimateBatchFile(file, { lines: "requests" });
    expect(b.format).toBe("requests");
    expect(b.totals).toMatchObject({ requests: 2, invalid: 1 });
    expect(b.lines.map((l) => l.customId)).toEqual([null, null]);
    const { pricing } = getModel("gpt-4o-mini");
    const prompt = countChatTokens(body.messages, { model: "gpt-4o-mini" }).total;
    expect(b.lines[0].cost.total! * 1e6).toBeCloseTo(prompt * pricing.input! + 20 * pricing.output!, 6);
    const cached = await estimateBatchFile(file, { lines: "requests", cachedInputTokens: prompt });
    expect(cached.lines[0].cost.prompt! * 1e6).toBeCloseTo(prompt * pricing.cachedInput!, 6);
    expect(b.errors[0]).toMatchObject({ line: 3, message: "not a request body: expected messages (chat), prompt (completions) or input (responses, embeddings)" });
  });

  it("rejects an endpoint tokcost does not model, and estimates moderation lines", async () => {
    const file = path.join(dir, "assistants.jsonl");
    writeFileSync(file, JSON.stringify({ custom_id: "m", method: "POST", url: "/v1/assistants", body: { model: "gpt-4o" } }) + "\n");
    const b = await estimateBatchFile(file);
    expect(b.errors[0]).toMatchObject({ line: 1, param: "url" });
    const mod = path.join(dir, "moderations.jsonl");
    writeFileSync(mod, JSON.stringify({ custom_id: "m", method: "POST", url: "/v1/moderations", body: { model: "omni-moderation-latest", input: "Have a great day!" } }) + "\n");
    const m = await estimateBatchFile(mod);
    expect(m.errors).toEqual([]);
    expect(m.totals.promptTokens).toBe(5);
  });
});

describe("fine-tuning files", () => {
  it("counts training tokens per example, reports bad examples, applies OpenAI's default epochs", async () => {
    const f = await estimateFineTuningFile(fixture("fine-tune-mixed.jsonl"), { model: "gpt-4o-mini-2024-07-18" });
    expect(f.totals.examples).toBe(2);
    expect(f.totals.invalid).toBe(2);
    expect(f.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(f.errors[0].message).toMatch(/no assistant message/);
    expect(f.errors[1]).toMatchObject({ param: "messages[1].content" });
    const first = countChatTokens(
      [
        { role: "system", content: "Marv is a factual chatbot that is also sarcastic." },
        { role: "user", content: "What's the capital of France?" },
        { role: "assistant", content: "Paris, as if everyone doesn't know that already." },
      ],
      { model: "gpt-4o-mini" },
    ).total;
    expect(f.examples[0]).toEqual({ line: 1, tokens: first, overLimit: false });
    expect(f.totals.epochs).toBe(defaultEpochs(2));
    expect(f.totals.epochsSource).toBe("default");
    expect(f.totals.billedTokens).toBe(f.totals.trainingTokens * f.totals.epochs);
  });

  it("--epochs and the per-example limit", async () => {
    const f = await estimateFineTuningFile(fixture("fine-tune-mixed.jsonl"), { model: "gpt-4o-mini", epochs: 2, exampleLimit: 30 });
    expect(f.totals.epochs).toBe(2);
    expect(f.totals.overLimit).toBe(2);
    expect(f.totals.trainingTokens).toBe(60); // each example counted up to the limit
    expect(f.warnings.join(" ")).toMatch(/over the 30-token limit/);
  });

  it("OpenAI's default epochs (data-prep cookbook): 3, more for few examples, fewer for many", () => {
    expect(defaultEpochs(2)).toBe(25);
    expect(defaultEpochs(10)).toBe(10);
    expect(defaultEpochs(50)).toBe(3);
    expect(defaultEpochs(10_000)).toBe(2);
    expect(defaultEpochs(100_000)).toBe(1);
  });

  it("prices training at the table's training rate (on the model or its ft: entry)", async () => {
    const entry = (id: string, pricing: Record<string, number>) => ({
      id,
      provider: "openai",
      mode: "chat",
      encoding: "o200k_base",
      contextWindow: 128000,
      pricing,
      source: "test",
      asOf: "2026-01-01",
    });
    const table = new PricingTable([
      parsePricingFile({
        version: 1,
        asOf: "2026-01-01",
        models: [entry("gpt-4o-mini-2024-07-18", { input: 0.15, output: 0.6 }), entry("ft:gpt-4o-mini-2024-07-18", { input: 0.3, output: 1.2, training: 3 })],
      }),
    ]);
    const f = await estimateFineTuningFile(fixture("fine-tune-mixed.jsonl"), { model: "gpt-4o-mini-2024-07-18", epochs: 4, table });
    expect(f.totals.trainingPrice).toBe(3);
    expect(f.totals.cost).toBeCloseTo((f.totals.trainingTokens * 4 * 3) / 1e6, 12);
    const none = await estimateFineTuningFile(fixture("fine-tune-mixed.jsonl"), {
      model: "gpt-4o",
      table: new PricingTable([parsePricingFile({ version: 1, asOf: "2026-01-01", models: [entry("gpt-4o", { input: 2.5, output: 10 })] })]),
    });
    expect(none.totals.cost).toBeNull();
    expect(none.warnings.join(" ")).toMatch(/no training price/);
  });
});
