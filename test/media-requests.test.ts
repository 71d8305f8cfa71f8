/**
 * Images, speech, transcription, moderation and legacy engine paths as requests (issue 13):
 * recognised by shape and URL, validated in the API's words, estimated, pre-flighted, budgeted
 * and metered through createClient and guardFetch (with the official openai SDK).
 */
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/request/client.js";
import { guardFetch } from "../src/request/guard-fetch.js";
import { estimateRequest } from "../src/request/estimate-request.js";
import { preflight } from "../src/request/preflight.js";
import { validateRequest } from "../src/request/validate.js";
import { detectRequestKind, endpointOfUrl, kindOfUrl } from "../src/request/shape.js";
import { FakeOpenAIServer, startFakeOpenAI } from "./helpers/fake-openai-server.js";

/** A PCM WAV file of `seconds` of silence (16 kHz, mono, 16-bit). */
function wav(seconds: number): Uint8Array {
  const rate = 16000;
  const dataBytes = rate * 2 * seconds;
  const buf = new Uint8Array(44 + dataBytes);
  const view = new DataView(buf.buffer);
  const ascii = (o: number, s: string) => [...s].forEach((c, i) => (buf[o + i] = c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  return buf;
}

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server.close();
});

describe("media requests: shape, URL, validation", () => {
  it("recognises each endpoint by its body's shape", () => {
    expect(detectRequestKind({ model: "dall-e-3", prompt: "a lion", size: "1024x1792" })).toBe("images");
    expect(detectRequestKind({ prompt: "a lion", size: "256x256", n: 1 })).toBe("images");
    expect(detectRequestKind({ model: "gpt-image-1.5", prompt: "x", images: [{ image_url: "data:image/png;base64,AA" }] })).toBe("image-edits");
    expect(detectRequestKind({ image: new Uint8Array(1) })).toBe("image-variations");
    expect(detectRequestKind({ model: "tts-1", input: "Hi", voice: "alloy" })).toBe("speech");
    expect(detectRequestKind({ model: "whisper-1", file: "a.wav" })).toBe("transcriptions");
    expect(detectRequestKind({ input: "Have a great day!" })).toBe("moderations");
    expect(detectRequestKind({ model: "omni-moderation-latest", input: ["a", "b"] })).toBe("moderations");
    // unchanged
    expect(detectRequestKind({ model: "gpt-4o", input: "hi" })).toBe("responses");
    expect(detectRequestKind({ model: "gpt-3.5-turbo-instruct", prompt: "hi" })).toBe("completions");
    expect(detectRequestKind({ model: "text-embedding-3-small", input: [[1, 2, 3]] })).toBe("embeddings");
  });

  it("one URL table: batch paths exactly, client paths under any base URL, legacy engines name the model", () => {
    expect(kindOfUrl("/v1/images/generations")).toBe("images");
    expect(kindOfUrl("/v1/audio/transcriptions")).toBe("transcriptions");
    expect(kindOfUrl("/v1/moderations")).toBe("moderations");
    expect(kindOfUrl("/v1/responses/compact")).toBeUndefined();
    expect(endpointOfUrl("https://proxy.example/openai/v1/audio/speech")).toEqual({ kind: "speech" });
    expect(endpointOfUrl("https://api.openai.com/v1/engines/davinci-002/completions")).toEqual({ kind: "completions", model: "davinci-002" });
    expect(endpointOfUrl("https://api.openai.com/v1/engines/text-embedding-ada-002/embeddings")).toEqual({ kind: "embeddings", model: "text-embedding-ada-002" });
    expect(endpointOfUrl("https://api.openai.com/v1/chat/completions")).toEqual({ kind: "chat" });
  });

  it("accepts what the API accepts (the issue's dall-e-3 and tts-1 bodies) and refuses invalid combinations in the API's words", () => {
    expect(validateRequest({ model: "dall-e-3", prompt: "a lion", size: "1024x1792", quality: "hd", style: "vivid" }).kind).toBe("images");
    expect(validateRequest({ model: "tts-1", input: "Hello", voice: "alloy", speed: 1.25 }).kind).toBe("speech");
    expect(() => validateRequest({ model: "dall-e-3", prompt: "x", n: 2 })).toThrow(/^Invalid 'n': integer above maximum value. Expected a value <= 1, but got 2 instead./);
    expect(() => validateRequest({ model: "dall-e-3", prompt: "x", size: "256x256" })).toThrow(/^The size is not supported by this model\./);
    expect(() => validateRequest({ model: "dall-e-2", prompt: "x", size: "1024x1792" })).toThrow(/^The size is not supported by this model\./);
    expect(() => validateRequest({ model: "dall-e-3", prompt: "x", quality: "ultra" })).toThrow("Invalid value: 'ultra'. Supported values are: 'standard', and 'hd'.");
    expect(() => validateRequest({ model: "tts-1", input: "x", voice: "alloy", sped: 2 })).toThrow("Unknown parameter: 'sped'. (did you mean speed?)");
    expect(() => validateRequest({ model: "tts-1", input: "x", voice: "alloy", speed: 5 })).toThrow("Invalid 'speed': decimal above maximum value. Expected a value <= 4, but got 5 instead.");
    expect(() => validateRequest({ model: "gpt-image-1", image: new Uint8Array(1) }, { kind: "image-variations" })).toThrow("Invalid value: 'gpt-image-1'. Supported values are: 'dall-e-2'.");
    expect(() => validateRequest({ model: "whisper-1" }, { kind: "transcriptions" })).toThrow("Missing required parameter: 'file'.");
  });
});

describe("media requests: estimates", () => {
  it("prices dall-e per image and gpt-image by tokens, auto quality at its worst", () => {
    const d3 = estimateRequest({ model: "dall-e-3", prompt: "a lion", size: "1024x1792", quality: "hd" });
    expect(d3).toMatchObject({ kind: "images", exact: true, cost: { total: 0.12 }, breakdown: { media: { unit: "image", quantity: 1 } } });
    const gi = preflight({ model: "gpt-image-1", prompt: "An isolated stop sign.", n: 2, size: "1024x1024" });
    // recorded: input_tokens 22 for this body (openai-dotnet GenerationOfMultipleImagesWorks)
    expect(gi.promptTokens).toBe(22);
    expect(gi.breakdown.completionTokens).toBe(2 * 4160);
    expect(gi.worstCase.usd).toBeGreaterThan(0.33);
    expect(gi.warnings.join(" ")).toMatch(/priced as high, the most it can cost/);
  });

  it("speech: tts-1 per character (exact), gpt-4o-mini-tts text tokens plus estimated audio (inexact, basis stated)", () => {
    const tts = estimateRequest({ model: "tts-1", input: "Hello 👋 world", voice: "alloy" });
    expect(tts).toMatchObject({ exact: true, promptTokens: 0, breakdown: { media: { unit: "character", quantity: 13 } } });
    expect(tts.cost.total).toBeCloseTo(13 * 15e-6, 12);
    const mini = estimateRequest({ model: "gpt-4o-mini-tts", input: "x".repeat(900), voice: "coral" });
    expect(mini.exact).toBe(false);
    expect(mini.breakdown.media).toMatchObject({ unit: "minute", quantity: 1 });
    expect(mini.cost.completion).toBeCloseTo(0.015, 10);
    expect(mini.warnings.join(" ")).toMatch(/900 characters a minute/);
  });

  it("transcription: duration from the WAV header, or audioMinutes; unknown duration is never $0", () => {
    const e = estimateRequest({ model: "whisper-1", file: wav(30) });
    expect(e).toMatchObject({ kind: "transcriptions", exact: true, breakdown: { media: { unit: "minute", quantity: 0.5 } } });
    expect(e.cost.total).toBeCloseTo(0.003, 10);
    expect(estimateRequest({ model: "whisper-1", file: "talk.ogg" }, { audioMinutes: 10 }).cost.total).toBeCloseTo(0.06, 10);
    const unknown = estimateRequest({ model: "whisper-1", file: "talk.ogg" });
    expect(unknown.cost.total).toBeNull();
    expect(() => preflight({ model: "whisper-1", file: "talk.ogg" }, { budget: { usd: 1 } })).toThrow(/cannot enforce a USD budget: the cost of this transcriptions call on whisper-1 is unknown/);
  });

  it("moderation: tokens counted, free, no output budget", () => {
    const m = preflight({ model: "omni-moderation-latest", input: ["Have a great day!", "i want to kill them."] });
    expect(m).toMatchObject({ kind: "moderations", promptTokens: 11, maxTokens: null, cost: { total: 0 } });
    expect(m.worstCase).toMatchObject({ completionTokens: 0, usd: 0 });
  });

  it("embeddings: string arrays, token arrays and dimensions", () => {
    expect(estimateRequest({ model: "text-embedding-3-small", input: ["a b", "c"], dimensions: 256 }).promptTokens).toBe(3);
    expect(estimateRequest({ model: "text-embedding-3-small", input: [[1, 2, 3], [4]] })).toMatchObject({ promptTokens: 4, breakdown: { prompts: 2 } });
  });

  it("refuses an hd dall-e-3 image under a $0.001 budget before sending", () => {
    expect(() => preflight({ model: "dall-e-3", prompt: "a lion", size: "1024x1792", quality: "hd" }, { budget: { usd: 0.001 } })).toThrow(
      /may cost up to \$0\.12 on dall-e-3, but the budget has \$0\.001 left/,
    );
  });
});

describe("createClient: images, speech, multipart transcription, moderation", () => {
  it("budgets and meters each call", async () => {
    const client = createClient({ apiKey: server.apiKey, baseURL: server.baseURL, budget: { usd: 1 } });
    const image = await client.images.generate({ model: "gpt-image-1", prompt: "a siamese cat", size: "1024x1024", quality: "low" });
    expect(image.data).toHaveLength(1);
    expect(image.tokcost.record.actual).toMatchObject({ source: "usage", promptTokens: 10, completionTokens: 272 });
    expect(image.tokcost.record.actual?.usd).toBeCloseTo((10 * 5 + 272 * 40) / 1e6, 10);

    const speech = await client.audio.speech.create({ model: "tts-1", input: "Hello there", voice: "alloy" });
    expect(speech.data.byteLength).toBeGreaterThan(0);
    expect(speech.contentType).toBe("audio/mpeg");
    expect(speech.tokcost.record.actual?.usd).toBeCloseTo(11 * 15e-6, 12);

    const before = server.requests.length;
    const text = await client.audio.transcriptions.create({ model: "whisper-1", file: new File([wav(6) as BlobPart], "hello.wav", { type: "audio/wav" }) });
    expect(text.text).toBe("ok ok ok");
    expect(String(server.requests[before].headers["content-type"])).toMatch(/^multipart\/form-data/);
    expect(text.tokcost.estimate.cost.total).toBeCloseTo(0.0006, 10);
    expect(text.tokcost.record.actual).toMatchObject({ source: "usage" });
    expect(text.tokcost.record.actual?.usd).toBeCloseTo(0.0006, 10);

    const mod = await client.moderations.create({ input: "Have a great day!" });
    expect(mod.results).toHaveLength(1);
    expect(mod.tokcost.record.actual?.usd).toBe(0);
    expect(client.status().reserved).toEqual({ usd: 0, tokens: 0 });

    await expect(client.images.generate({ model: "dall-e-3", prompt: "x", size: "1024x1792", quality: "hd" }, {})).resolves.toBeDefined();
    const small = createClient({ apiKey: server.apiKey, baseURL: server.baseURL, budget: { usd: 0.001 } });
    const sent = server.requests.length;
    await expect(small.images.generate({ model: "dall-e-3", prompt: "x", size: "1024x1792", quality: "hd" })).rejects.toThrow(/budget exceeded/);
    expect(server.requests.length).toBe(sent);
  });
});

describe("guardFetch with the official openai SDK: images, speech, multipart transcription, moderation", () => {
  it("meters each call and refuses over-budget images before the network", async () => {
    const guarded = guardFetch({ budget: { usd: 1 } });
    const openai = new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, fetch: guarded, maxRetries: 0 });
    const img = await openai.images.generate({ model: "gpt-image-1", prompt: "a siamese cat", size: "1024x1024", quality: "low" });
    expect(img.data).toHaveLength(1);
    const audio = await openai.audio.speech.create({ model: "tts-1", input: "Hello there", voice: "alloy" });
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const tr = await openai.audio.transcriptions.create({ model: "whisper-1", file: await toFile(wav(12), "hello.wav", { type: "audio/wav" }) });
    expect(tr.text).toBe("ok ok ok");
    await openai.moderations.create({ model: "omni-moderation-latest", input: "Have a great day!" });
    const calls = guarded.calls();
    expect(calls.map((c) => [c.kind, c.outcome, c.actual?.source])).toEqual([
      ["images", "settled", "usage"],
      ["speech", "settled", "counted"],
      ["transcriptions", "settled", "usage"],
      ["moderations", "settled", "counted"],
    ]);
    expect(calls[2].estimate.worstCaseUsd).toBeCloseTo(0.0012, 10);
    expect(calls[2].actual?.usd).toBeCloseTo(0.0012, 10);
    expect(guarded.status().reserved).toEqual({ usd: 0, tokens: 0 });

    const tight = guardFetch({ budget: { usd: 0.001 } });
    const sdk = new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, fetch: tight, maxRetries: 0 });
    const sent = server.requests.length;
    await expect(sdk.images.generate({ model: "dall-e-3", prompt: "a lion", size: "1024x1792", quality: "hd" })).rejects.toThrow(/budget exceeded/);
    expect(server.requests.length).toBe(sent);
  });

  it("reads the model of a legacy /engines/{engine}/completions path", async () => {
    const guarded = guardFetch();
    const res = await guarded(`${server.baseURL}/engines/gpt-3.5-turbo-instruct/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "Say hi", max_tokens: 5 }),
    });
    // the fake server has no legacy path (404): the call was pre-flighted with the engine as the model, then released
    expect(res.status).toBe(404);
    expect(guarded.calls()[0]).toMatchObject({ kind: "completions", model: "gpt-3.5-turbo-instruct", outcome: "released" });
  });
});
