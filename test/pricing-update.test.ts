/** tokcost pricing import reporting and dating, pricing update against a server on 127.0.0.1, models --corrections. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli, runCliAsync, referencePath } from "./helpers/cli.js";
import { bundledPricingTable, parsePricingFile } from "../src/index.js";

const dir = mkdtempSync(path.join(tmpdir(), "tokcost-pricing-update-"));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const snapshotPath = referencePath("litellm-model-prices-2026-08-01.json");
const snapshotText = readFileSync(snapshotPath, "utf8");
const snapshot = JSON.parse(snapshotText);

/** A copy of the snapshot where gpt-4o costs $2.25 instead of $2.50 per 1M input tokens and one model is new. */
const changed = JSON.stringify({
  ...snapshot,
  "gpt-4o": { ...snapshot["gpt-4o"], input_cost_per_token: 2.25e-6 },
  "gpt-new-model": { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, max_input_tokens: 1000, max_output_tokens: 100 },
});

let server: Server;
let base = "";
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    if (req.url === "/prices.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(changed);
    } else if (req.url === "/huge.json") {
      res.writeHead(200, { "content-type": "application/json" }); // no content-length: the cap applies while reading
      res.write("{" + " ".repeat(64 * 1024));
      res.end(" ".repeat(64 * 1024) + "}");
    } else if (req.url === "/slow.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{"); // never finishes: only the timeout ends it
    } else {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("tokcost pricing import: reporting and dates", () => {
  it("a full import keeps gemini-2.5-pro Google's and says which host entries were renamed and what was skipped", () => {
    const out = path.join(dir, "all.json");
    const r = runCli(["pricing", "import", snapshotPath, "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\d+ entries read: \d+ models, \d+ kept as aliases, \d+ image sizes folded into their model, \d+ skipped \(.*no price and no limit to estimate with/m);
    expect(r.stderr).toContain("host entries reuse a vendor's model name and were prefixed so they do not replace the vendor's prices");
    // 9 field corrections for the whole file's models (Cohere, W&B, Azure AI, watsonx, OpenAI, Google) and Anthropic's batch rule on its 15 active models (16 in the full file, which keeps a twin).
    expect(r.stderr).toMatch(/\d+ corrections applied .*embed-multilingual-light-v3\.0 pricing\.input 100 → 0\.1/);
    expect(r.stderr).toContain("gpt-3.5-turbo-instruct contextWindow 8192 → 4096");
    expect(r.stderr).toContain("gpt-4o-mini-tts pricing.output 10 → unknown");
    const models = parsePricingFile(JSON.parse(readFileSync(out, "utf8"))).models;
    const find = (name: string) => models.find((m) => m.id === name || m.aliases.includes(name));
    expect(find("gemini-2.5-pro")!.provider).toBe("google");
    expect(find("vertex_ai/gemini-2.5-pro")!.provider).toBe("vertex_ai-language-models");
    expect(find("wandb/meta-llama/Llama-3.3-70B-Instruct")!.pricing).toMatchObject({ input: 0.71, output: 0.71 });
    expect(runCli(["pricing", "import", snapshotPath, "--provider", "cohere", "--no-corrections"]).stdout).toContain('"input": 100');
  });

  it("an undated file needs --as-of (or a last_updated field); a bad last_updated is one line", () => {
    const undated = file("prices.json", JSON.stringify({ m: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6 } }));
    const r = runCli(["pricing", "import", undated]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("cannot tell when these prices were read (no last_updated field, no date in the file name); pass --as-of YYYY-MM-DD");
    expect(JSON.parse(runCli(["pricing", "import", undated, "--as-of", "2026-10-01"]).stdout).asOf).toBe("2026-10-01");
    const stamped = file("stamped.json", JSON.stringify({ last_updated: "2026-09-30T12:00:00Z", m: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6 } }));
    const s = runCli(["pricing", "import", stamped]);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).models[0].asOf).toBe("2026-09-30");
    const bad = runCli(["pricing", "import", file("bad-stamp.json", JSON.stringify({ last_updated: "yesterday", m: { litellm_provider: "openai", mode: "chat", input_cost_per_token: 1e-6 } }))]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('last_updated "yesterday" is not a date');
    expect(runCli(["pricing", "import", undated, "--as-of", "2026-02-30"]).stderr).toContain("--as-of expects a date as YYYY-MM-DD");
  });
});

describe("tokcost models --corrections", () => {
  it("lists each correction with the upstream and corrected value, why and the source", () => {
    const r = runCli(["models", "--corrections"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("embed-multilingual-light-v3.0 pricing.input: $100 → $0.1 (as of 2026-07-04)");
    expect(r.stdout).toContain("source: https://cohere.com/pricing");
    const json = JSON.parse(runCli(["models", "--corrections", "--json"]).stdout);
    expect(json.corrections).toEqual(expect.arrayContaining([expect.objectContaining({ id: "embed-multilingual-light-v3.0", provider: "cohere", field: "pricing.input", from: 100, to: 0.1 })]));
    expect(json.corrections).toEqual(expect.arrayContaining([expect.objectContaining({ id: "gpt-5-pro", field: "maxOutputTokens", from: 128000, to: 272000, asOf: "2026-11-29" })]));
    expect(r.stdout).toContain("gpt-3.5-turbo-instruct contextWindow: 8,192 → 4,096 (as of 2026-11-29)");
    expect(r.stdout).toContain("gpt-4o-mini-tts pricing.output: $10 → unknown");
    expect(r.stdout).toContain("claude-sonnet-4-5 batch: none → true");
    expect(r.stdout).toContain("source: https://platform.claude.com/docs/en/build-with-claude/batch-processing");
    expect(runCli(["models", "gpt-4.1", "--corrections"]).stdout).toBe("no corrections apply to these models\n");
  });
});

describe("tokcost pricing update (server on 127.0.0.1)", () => {
  it("downloads, converts, prints what changed against the prices in use and writes the file", async () => {
    const out = path.join(dir, "updated.json");
    // --as-of pins the date (statuses depend on it), so the diff does not change with the calendar.
    const r = await runCliAsync(["pricing", "update", "--from", `${base}/prices.json`, "-o", out, "--as-of", "2026-08-01"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${base}/prices.json: `);
    expect(r.stdout).toContain("asOf 2026-08-01 (date from --as-of)");
    expect(r.stdout).toMatch(/^1 models changed, 1 added, \d+ not in the new list \(their current entries stay in use\), \d+ unchanged$/m);
    expect(r.stdout).toContain("  ~ gpt-4o: pricing.input $2.5 → $2.25");
    expect(r.stdout).toContain("  + gpt-new-model");
    expect(r.stdout).toContain(`wrote ${out}`);
    const written = parsePricingFile(JSON.parse(readFileSync(out, "utf8")));
    // By default the bundled providers only (their tokcost names).
    const bundledProviders = new Set(
      bundledPricingTable()
        .list()
        .map((m) => m.provider),
    );
    expect(new Set(written.models.map((m) => m.provider))).toEqual(bundledProviders);
    expect(written.models.find((m) => m.id === "gpt-4o")!.source).toMatchObject({ url: `${base}/prices.json` });
    const est = JSON.parse(runCli(["estimate", "-", "-m", "gpt-4o", "--json", "--pricing", out], { input: "hello" }).stdout).estimates[0];
    expect(est.cost.prompt).toBeCloseTo((est.promptTokens * 2.25) / 1e6, 12);
    // A second run compares with the file it wrote: nothing changed.
    const again = await runCliAsync(["pricing", "update", "--from", `${base}/prices.json`, "-o", out, "--dry-run", "--as-of", "2026-08-01"]);
    expect(again.stdout).toMatch(/^0 models changed, 0 added, /m);
    // Without --as-of a download is dated the day it was read.
    const today = new Date().toISOString().slice(0, 10);
    const undated = await runCliAsync(["pricing", "update", "--from", `${base}/prices.json`, "-o", out, "--dry-run"]);
    expect(undated.stdout).toMatch(new RegExp(`asOf (${today}|\\d{4}-\\d{2}-\\d{2}) \\(date from download\\)`));
    expect(again.stdout).toContain(`dry run: ${out} not written`);
  });

  it("--dry-run writes nothing; a file works with --from too", async () => {
    const out = path.join(dir, "dry.json");
    const r = await runCliAsync(["pricing", "update", "--from", snapshotPath, "-o", out, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(date from file name)");
    expect(existsSync(out)).toBe(false);
  });

  it("HTTP errors, a size cap, a timeout and an unreachable host are one line, exit 2", async () => {
    const one = (r: { code: number; stderr: string }) => {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      return r.stderr;
    };
    expect(one(await runCliAsync(["pricing", "update", "--from", `${base}/missing.json`, "-o", path.join(dir, "e1.json")]))).toContain("HTTP 404");
    expect(one(await runCliAsync(["pricing", "update", "--from", `${base}/huge.json`, "--max-bytes", "1000", "-o", path.join(dir, "e2.json")]))).toContain(
      "more than the 1000-byte limit; raise --max-bytes",
    );
    expect(one(await runCliAsync(["pricing", "update", "--from", `${base}/slow.json`, "--timeout", "300", "-o", path.join(dir, "e3.json")]))).toContain("timed out after 300 ms");
    const port = (server.address() as AddressInfo).port;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(deadPort).not.toBe(port);
    expect(one(await runCliAsync(["pricing", "update", "--from", `http://127.0.0.1:${deadPort}/x.json`, "-o", path.join(dir, "e4.json")]))).toContain("network error");
    expect(existsSync(path.join(dir, "e1.json")) || existsSync(path.join(dir, "e2.json")) || existsSync(path.join(dir, "e3.json"))).toBe(false);
    expect(one(runCli(["pricing", "update", "--provider", "openai", "--all-providers"]))).toContain("--provider and --all-providers contradict each other");
  });
});
