/** The pricing surfaces of the CLI: pricing import, estimate's billing and unit flags, models filters. */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli, referencePath } from "./helpers/cli.js";
import { parsePricingFile, getModel } from "../src/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "tokcost-pricing-cli-"));
const file = (name: string, content: string | Uint8Array) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const snapshot = referencePath("litellm-model-prices-2026-08-01.json");

function wav(seconds: number, rate = 8_000): Uint8Array {
  const data = rate * 2 * seconds;
  const b = Buffer.alloc(44 + data);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + data, 4);
  b.write("WAVE", 8);
  b.write("fmt ", 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(data, 40);
  return new Uint8Array(b);
}

describe("tokcost pricing import", () => {
  it("converts a LiteLLM file into a valid pricing file with source and date, usable with --pricing", () => {
    const out = path.join(dir, "anthropic.json");
    const r = runCli(["pricing", "import", snapshot, "--provider", "anthropic", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^wrote .*anthropic\.json: \d+ models \(anthropic \d+\), asOf 2026-08-01\n\d+ entries read: /);
    const parsed = parsePricingFile(JSON.parse(readFileSync(out, "utf8")));
    expect(parsed.asOf).toBe("2026-08-01");
    expect(parsed.models.every((m) => m.provider === "anthropic" && m.asOf === "2026-08-01" && JSON.stringify(m.source).includes("litellm-model-prices-2026-08-01.json"))).toBe(true);
    const est = runCli(["estimate", "-", "-m", "claude-opus-4-1", "--max-tokens", "100", "--json", "--pricing", out], { input: "hello" });
    expect(est.code).toBe(0);
    const e = JSON.parse(est.stdout).estimates[0];
    expect(e.exact).toBe(false);
    expect(e.cost.completion).toBeCloseTo((100 * 75) / 1e6, 12);
  });

  it("TOKCOST_PRICING picks up an imported file", () => {
    const local = file(
      "local.json",
      JSON.stringify({ "my-model": { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, max_input_tokens: 1000, max_output_tokens: 100 } }),
    );
    const out = path.join(dir, "local-pricing.json");
    expect(runCli(["pricing", "import", local, "-o", out, "--as-of", "2026-11-01", "--source", "https://example.com/prices"]).code).toBe(0);
    const models = JSON.parse(runCli(["models", "my-model", "--json"], { env: { TOKCOST_PRICING: out } }).stdout).models;
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ id: "my-model", contextWindow: 1000, pricing: { input: 1, output: 2 }, asOf: "2026-11-01" });
    expect(models[0].source.url).toBe("https://example.com/prices");
  });

  it("bad input is one line, exit 2", () => {
    const notJson = runCli(["pricing", "import", file("bad.json", "{ nope")]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr.trim().split("\n")).toHaveLength(1);
    expect(notJson.stderr).toContain("not valid JSON");
    const wrongProvider = runCli(["pricing", "import", snapshot, "--provider", "nosuch"]);
    expect(wrongProvider.code).toBe(2);
    expect(wrongProvider.stderr).toContain("no models for provider nosuch; providers in the file include");
    const badDate = runCli(["pricing", "import", snapshot, "--as-of", "yesterday"]);
    expect(badDate.stderr).toContain("--as-of expects a date as YYYY-MM-DD");
  });
});

describe("tokcost estimate: price dimensions", () => {
  const prompt = file("prompt.txt", "Summarize the attached report in three bullet points.");

  it("--tier, --cached-tokens and --reasoning-tokens change the cost as published", () => {
    const base = JSON.parse(runCli(["estimate", prompt, "-m", "o3", "--max-tokens", "1000", "--json"]).stdout).estimates[0];
    const n = base.promptTokens as number;
    const m = getModel("o3");
    expect(base.cost.total).toBeCloseTo((n * m.pricing.input! + 1000 * m.pricing.output!) / 1e6, 12);
    const flex = JSON.parse(runCli(["estimate", prompt, "-m", "o3", "--max-tokens", "1000", "--tier", "flex", "--cached-tokens", "4", "--reasoning-tokens", "2000", "--json"]).stdout).estimates[0];
    expect(flex.cost.tier).toBe("flex");
    expect(flex.cost.prompt).toBeCloseTo(((n - 4) * m.pricing.flexInput! + 4 * m.pricing.flexCachedInput!) / 1e6, 12);
    expect(flex.cost.completion).toBeCloseTo((3000 * m.pricing.flexOutput!) / 1e6, 12);
    expect(flex.warnings.join(" ")).toContain("the visible answer may be much shorter than what is billed");
  });

  it("--cache-hit takes a share or a percentage; bad values are one line", () => {
    const a = JSON.parse(runCli(["estimate", prompt, "-m", "gpt-4o", "--cache-hit", "50%", "--json"]).stdout).estimates[0];
    const b = JSON.parse(runCli(["estimate", prompt, "-m", "gpt-4o", "--cache-hit", "0.5", "--json"]).stdout).estimates[0];
    expect(a.cost).toEqual(b.cost);
    const cached = Math.floor(a.promptTokens * 0.5);
    expect(a.cost.prompt).toBeCloseTo(((a.promptTokens - cached) * 2.5 + cached * 1.25) / 1e6, 12);
    const bad = runCli(["estimate", prompt, "-m", "gpt-4o", "--cache-hit", "150%"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--cache-hit expects a share between 0 and 1");
  });

  it("dall-e-3 per image: 4 × 1024x1792 hd", () => {
    const r = runCli(["estimate", "--model", "dall-e-3", "--images", "4", "--size", "1024x1792", "--quality", "hd", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).estimates[0]).toMatchObject({ model: "dall-e-3", unit: "image", quantity: 4, rate: 0.12, cost: { total: 0.48 } });
    const human = runCli(["estimate", "--model", "dall-e-3", "--images", "4", "--size", "1024x1792", "--quality", "hd"]);
    expect(human.stdout).toContain("$0.48");
  });

  it("tts-1 counts characters, not tokens", () => {
    const text = "Hello — wörld! 👋";
    const r = runCli(["estimate", file("speech.txt", text), "-m", "tts-1", "--json"]);
    const e = JSON.parse(r.stdout).estimates[0];
    expect(e).toMatchObject({ unit: "character", quantity: [...text].length });
    expect(e.cost.total).toBeCloseTo(([...text].length * 15) / 1e6, 15);
  });

  it("whisper-1 per minute, from --minutes or a WAV file's header", () => {
    const minutes = JSON.parse(runCli(["estimate", "-m", "whisper-1", "--minutes", "10", "--json"]).stdout).estimates[0];
    expect(minutes.cost.total).toBeCloseTo(0.06, 12);
    const fromFile = JSON.parse(runCli(["estimate", file("talk.wav", wav(150)), "-m", "whisper-1", "--json"]).stdout).estimates[0];
    expect(fromFile.quantity).toBeCloseTo(2.5, 12);
    expect(fromFile.cost.total).toBeCloseTo(0.015, 12);
    const notAudio = runCli(["estimate", prompt, "-m", "whisper-1"]);
    expect(notAudio.code).toBe(2);
    expect(notAudio.stderr).toContain("only WAV and MP3");
  });

  it("gpt-4o-transcribe is priced per audio token: minutes are refused with the reason, not guessed", () => {
    for (const args of [
      ["-m", "gpt-4o-transcribe", "--minutes", "3"],
      [file("talk2.wav", wav(60)), "-m", "gpt-4o-mini-transcribe"],
    ]) {
      const r = runCli(["estimate", ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/is billed per audio token \(\$\d+\.\d\d\/1M\), and OpenAI publishes no audio tokens per minute/);
    }
  });

  it("mixing unit and token models, or image flags on a text model, is a usage error", () => {
    expect(runCli(["estimate", prompt, "-m", "gpt-4o,dall-e-3", "--images", "1"]).stderr).toContain("separately");
    expect(runCli(["estimate", prompt, "-m", "gpt-4o", "--images", "1"]).stderr).toContain("apply to image and per-minute transcription models");
  });

  it("other vendors' counts are marked ≈ and exact: false", () => {
    const human = runCli(["estimate", prompt, "-m", "claude-sonnet-4-5"]);
    expect(human.stdout).toMatch(/≈\d/);
    expect(JSON.parse(runCli(["estimate", prompt, "-m", "gemini-2.5-pro", "--json"]).stdout).estimates[0].exact).toBe(false);
  });
});

describe("stale prices notice", () => {
  it("appears once in human output, never in --json and never as an error", () => {
    // The bundled table is dated 2026-08-01, more than 90 days before any date these tests run on.
    const human = runCli(["estimate", "-", "-m", "gpt-4o,gpt-4o-mini"], { input: "hi" });
    expect(human.code).toBe(0);
    expect(human.stderr.match(/prices for gpt-4o, gpt-4o-mini are from 2026-08-01/g)).toHaveLength(1);
    const json = runCli(["estimate", "-", "-m", "gpt-4o", "--json"], { input: "hi" });
    expect(json.stderr).not.toContain("prices are from");
    expect(JSON.stringify(JSON.parse(json.stdout))).not.toContain("prices are from");
  });
});

describe("tokcost models filters", () => {
  it("--provider, --mode and --status filter; status shows shutdown dates", () => {
    const anthropic = JSON.parse(runCli(["models", "--provider", "anthropic", "--json"]).stdout).models;
    expect(anthropic.length).toBeGreaterThan(5);
    expect(anthropic.every((m: { provider: string }) => m.provider === "anthropic")).toBe(true);
    const speech = JSON.parse(runCli(["models", "--mode", "audio_speech", "--provider", "openai", "--json"]).stdout).models.map((m: { id: string }) => m.id);
    expect(speech).toContain("tts-1");
    const retired = runCli(["models", "text-davinci", "--status", "retired"]);
    expect(retired.stdout).toContain("retired 2024-01-04");
    expect(runCli(["models", "--status", "gone"]).stderr).toContain("--status must be one of active, deprecated, retired");
  });
});
