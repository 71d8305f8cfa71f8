import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { estimateRequest } from "../src/request/index.js";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { get_encoding } from "tiktoken";
import { getModel } from "../src/pricing/table.js";
import { loadConfig, renderGithub, runCheck, serializeBaseline, readBaseline, type CheckReport, type GateConfigInput } from "../src/gate/index.js";

const fixture = new URL("./fixtures/gate/", import.meta.url);
const o200k = get_encoding("o200k_base");
const tokensOf = (root: string, file: string) => o200k.encode(readFileSync(path.join(root, file), "utf8")).length;

/** A fresh copy of the fixture repo (runs may write baselines and caches). */
function copyFixture(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tokcost-gate-"));
  cpSync(fixture, dir, { recursive: true });
  return dir;
}

function writeConfig(root: string, config: GateConfigInput) {
  writeFileSync(path.join(root, "tokcost.config.json"), JSON.stringify(config, null, 2));
}

async function check(root: string, options: Parameters<typeof runCheck>[1] = {}): Promise<CheckReport> {
  return runCheck(await loadConfig(root), { jobs: 1, ...options });
}

const result = (report: CheckReport, file: string, rule?: number) => {
  const found = report.results.find((r) => r.path === file && (rule === undefined || r.rule === rule));
  if (!found) throw new Error(`no result for ${file}`);
  return found;
};

describe("runCheck on the fixture repo", () => {
  it("counts exactly like tiktoken, prices the worst case and names the broken limit with by how much", async () => {
    const root = copyFixture();
    const report = await check(root);
    expect(report.exitCode).toBe(1);
    expect(report.results.map((r) => r.path).sort()).toEqual([
      "prompts/system/long-context.md",
      "prompts/system/support.txt",
      "prompts/tasks/classify.txt",
      "prompts/tasks/summarise.txt",
      "requests/batch.jsonl",
      "requests/chat.json",
    ]);
    // drafts are excluded by the negated glob
    expect(report.results.some((r) => r.path.includes("drafts"))).toBe(false);

    const support = result(report, "prompts/system/support.txt");
    const supportTokens = tokensOf(root, "prompts/system/support.txt");
    const gpt4o = getModel("gpt-4o").pricing;
    expect(support).toMatchObject({ status: "pass", model: "gpt-4o", encoding: "o200k_base", promptTokens: supportTokens, maxTokens: 1000, exact: true, violations: [] });
    expect(support.costUsd).toBeCloseTo((supportTokens * gpt4o.input! + 1000 * gpt4o.output!) / 1e6, 12);
    // the sum of the six costs, without binary floating-point noise (this fixture summed to 0.028002199999999998)
    expect(report.summary.costUsd).toBe(Number(report.results.reduce((sum, r) => sum + r.costUsd!, 0).toPrecision(12)));

    const long = result(report, "prompts/system/long-context.md");
    const longTokens = tokensOf(root, "prompts/system/long-context.md");
    expect(longTokens).toBeGreaterThan(2000);
    expect(long.status).toBe("fail");
    expect(long.violations).toHaveLength(1);
    expect(long.violations[0]).toMatchObject({ limit: "maxPromptTokens", unit: "tokens", actual: longTokens, allowed: 2000, over: longTokens - 2000 });
    expect(long.violations[0].message).toContain(`+${(longTokens - 2000).toLocaleString("en-US")} tokens`);

    const tasks = result(report, "prompts/tasks/summarise.txt");
    expect(tasks).toMatchObject({ model: "gpt-4o-mini", maxTokens: 500, status: "pass" });

    // a missing baseline named by the config is a warning, not a failure
    expect(report.problems).toEqual([expect.objectContaining({ level: "warning", message: expect.stringContaining("tokcost-baseline.json: no such file") })]);
    expect(report.summary).toMatchObject({ files: 6, checks: 6, passed: 5, failed: 1, errors: 0 });
  });

  it("estimates request files with the request engine: chat bodies and Batch API lines at batch rates", async () => {
    const root = copyFixture();
    const report = await check(root);
    const chat = result(report, "requests/chat.json");
    expect(chat).toMatchObject({ kind: "request", model: "gpt-4o-mini", maxTokens: 200, requests: 1, status: "pass" });
    // chat framing: 3 per message + 3 reply priming on top of the content tokens
    const body = JSON.parse(readFileSync(path.join(root, "requests/chat.json"), "utf8"));
    const expected = body.messages.reduce((n: number, m: { role: string; content: string }) => n + 3 + o200k.encode(m.role).length + o200k.encode(m.content).length, 3);
    expect(chat.promptTokens).toBe(expected);
    const batch = result(report, "requests/batch.jsonl");
    expect(batch.requests).toBe(2);
    const p = getModel("gpt-4o").pricing;
    expect(batch.costUsd).toBeCloseTo((batch.promptTokens! * p.batchInput! + 100 * p.batchOutput!) / 1e6, 12);
  });

  it("mustFit, maxCostUsd and totalCostUsd say by how much they were exceeded", async () => {
    const root = copyFixture();
    writeConfig(root, {
      model: "gpt-4",
      rules: [
        { name: "fit", files: "prompts/system/long-context.md", maxTokens: "6k", limits: { maxCostUsd: 0.1 } },
        { name: "total", files: "prompts/tasks/*.txt", model: "gpt-4o-mini", maxTokens: 100, limits: { totalCostUsd: "$0.0001" } },
      ],
    });
    const report = await check(root);
    expect(report.exitCode).toBe(1);
    const long = result(report, "prompts/system/long-context.md");
    // gpt-4 counts with cl100k_base
    const tokens = get_encoding("cl100k_base").encode(readFileSync(path.join(root, "prompts/system/long-context.md"), "utf8")).length;
    expect(long.encoding).toBe("cl100k_base");
    expect(long.promptTokens).toBe(tokens);
    const fit = long.violations.find((v) => v.limit === "mustFit")!;
    expect(fit).toMatchObject({ actual: tokens + 6000, allowed: 8192, over: tokens + 6000 - 8192 });
    expect(fit.message).toMatch(/context window/);
    const cost = long.violations.find((v) => v.limit === "maxCostUsd")!;
    const expectedCost = (tokens * 30 + 6000 * 60) / 1e6;
    expect(cost.actual).toBeCloseTo(expectedCost, 12);
    expect(cost.over).toBeCloseTo(expectedCost - 0.1, 12);
    const total = report.rules[1];
    expect(total.status).toBe("fail");
    expect(total.violations[0]).toMatchObject({ limit: "totalCostUsd", allowed: 0.0001 });
    expect(total.violations[0].over).toBeCloseTo(total.costUsd! - 0.0001, 12);
    // sums are reported without binary floating-point noise (0.0280022, not 0.028002199999999998)
    for (const usd of [report.summary.costUsd!, total.costUsd!, total.violations[0].over, cost.over]) expect(usd).toBe(Number(usd.toPrecision(12)));
  });

  it("reads chat files (an array of messages) with the rule's model and budget", async () => {
    const root = copyFixture();
    writeFileSync(path.join(root, "conversation.json"), JSON.stringify([{ role: "user", content: "Hello there" }]));
    writeConfig(root, { model: "gpt-4o", maxTokens: 10, rules: [{ files: "conversation.json", kind: "chat", limits: { maxPromptTokens: 5 } }] });
    const report = await check(root);
    const r = result(report, "conversation.json");
    expect(r).toMatchObject({ kind: "chat", model: "gpt-4o", maxTokens: 10, promptTokens: 3 + 1 + o200k.encode("Hello there").length + 3, status: "fail" });
  });
});

describe("request files with local images", () => {
  function png(width: number, height: number): Buffer {
    const ihdr = Buffer.alloc(25);
    ihdr.writeUInt32BE(13, 0);
    ihdr.write("IHDR", 4, "latin1");
    ihdr.writeUInt32BE(width, 8);
    ihdr.writeUInt32BE(height, 12);
    ihdr[16] = 8;
    ihdr[17] = 2;
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
  }

  it("measures local image files (relative to the request file) as tokcost estimate does", async () => {
    const root = copyFixture();
    mkdirSync(path.join(root, "requests/img"));
    writeFileSync(path.join(root, "requests/img/cat.png"), png(1024, 1024));
    const body = {
      model: "gpt-4o",
      max_tokens: 10,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "img/cat.png", detail: "high" } },
          ],
        },
      ],
    };
    writeFileSync(path.join(root, "requests/vision.json"), JSON.stringify(body));
    writeFileSync(path.join(root, "requests/missing-image.json"), JSON.stringify({ ...body, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "img/dog.png" } }] }] }));
    const report = await check(root);
    const vision = result(report, "requests/vision.json");
    const expected = estimateRequest(body, { imageSizes: { "img/cat.png": { width: 1024, height: 1024 } } });
    expect(vision.promptTokens).toBe(expected.promptTokens);
    expect(expected.breakdown.images).toBeGreaterThan(0);
    const missing = result(report, "requests/missing-image.json");
    expect(missing.status).toBe("error");
    expect(missing.error!.message).toMatch(/dog\.png/);
  });
});

describe("baseline", () => {
  it("--update-baseline writes sorted, stable JSON with per-file tokens, model and encoding", async () => {
    const root = copyFixture();
    const report = await check(root, { updateBaseline: true });
    expect(report.baseline).toMatchObject({ updated: true, file: "tokcost-baseline.json" });
    const text = readFileSync(path.join(root, "tokcost-baseline.json"), "utf8");
    const data = JSON.parse(text);
    expect(Object.keys(data.files)).toEqual([...Object.keys(data.files)].sort());
    expect(data.files["prompts/system/support.txt"]).toEqual({ model: "gpt-4o", encoding: "o200k_base", tokens: tokensOf(root, "prompts/system/support.txt") });
    expect(text).toBe(serializeBaseline(data));
    // a second run changes nothing, byte for byte
    await check(root, { updateBaseline: true });
    expect(readFileSync(path.join(root, "tokcost-baseline.json"), "utf8")).toBe(text);
    // and comparing with it finds nothing new, removed or grown
    const again = await check(root);
    expect(again.baseline).toMatchObject({ compared: true, new: [], removed: [], grown: [], shrunk: [] });
  });

  it("detects growth beyond maxGrowth and names new, removed and grown files", async () => {
    const root = copyFixture();
    await check(root, { updateBaseline: true });
    const file = path.join(root, "tokcost-baseline.json");
    const baseline = (await readBaseline(file, "b"))!;
    const support = baseline.files["prompts/system/support.txt"].tokens;
    baseline.files["prompts/system/support.txt"].tokens = Math.floor(support / 1.2); // now ~20% bigger: beyond 10%
    baseline.files["prompts/tasks/summarise.txt"].tokens -= 1; // grown, within 10%
    delete baseline.files["prompts/tasks/classify.txt"]; // new
    baseline.files["prompts/gone.txt"] = { model: "gpt-4o", encoding: "o200k_base", tokens: 5 }; // removed
    writeFileSync(file, serializeBaseline(baseline));
    const report = await check(root);
    expect(report.exitCode).toBe(1);
    expect(report.baseline!.new).toEqual(["prompts/tasks/classify.txt"]);
    expect(report.baseline!.removed).toEqual(["prompts/gone.txt"]);
    expect(report.baseline!.grown.map((g) => [g.path, g.exceeded])).toEqual([
      ["prompts/system/support.txt", true],
      ["prompts/tasks/summarise.txt", false],
    ]);
    const r = result(report, "prompts/system/support.txt");
    expect(r.status).toBe("fail");
    const v = r.violations.find((x) => x.limit === "maxGrowth")!;
    expect(v.unit).toBe("percent");
    expect(v.allowed).toBe(10);
    expect(v.actual).toBeGreaterThan(10);
    expect(result(report, "prompts/tasks/summarise.txt").status).toBe("pass");
    expect(result(report, "prompts/tasks/classify.txt").baseline?.status).toBe("new");
  });

  it("maxGrowth in tokens, and an explicit --baseline that does not exist is an error", async () => {
    const root = copyFixture();
    const config = JSON.parse(readFileSync(path.join(root, "tokcost.config.json"), "utf8"));
    config.baseline.maxGrowth = 5;
    writeConfig(root, config);
    await check(root, { updateBaseline: true });
    const file = path.join(root, "tokcost-baseline.json");
    const baseline = (await readBaseline(file, "b"))!;
    baseline.files["prompts/tasks/summarise.txt"].tokens -= 6;
    writeFileSync(file, serializeBaseline(baseline));
    const report = await check(root);
    const v = result(report, "prompts/tasks/summarise.txt").violations[0];
    expect(v).toMatchObject({ limit: "maxGrowth", unit: "tokens", actual: 6, allowed: 5, over: 1 });
    const missing = await check(root, { baseline: path.join(root, "nope.json") });
    expect(missing.exitCode).toBe(2);
    expect(missing.problems.some((p) => p.level === "error" && p.message.includes("nope.json: no such file"))).toBe(true);
  });
});

describe("tokcost's own files", () => {
  it("the config, the baseline and the cache are never checked as prompts, even under **/*.json", async () => {
    const root = copyFixture();
    writeConfig(root, { model: "gpt-4o", rules: [{ files: ["**/*.json", "!requests/**"] }], baseline: { file: "tokcost-baseline.json" } });
    await check(root, { updateBaseline: true, cache: "tokcost-cache.json" });
    const report = await check(root, { cache: "tokcost-cache.json" });
    expect(existsSync(path.join(root, "tokcost-baseline.json"))).toBe(true);
    expect(existsSync(path.join(root, "tokcost-cache.json"))).toBe(true);
    expect(report.results).toEqual([]);
    expect(report.exitCode).toBe(0);
  });
});

describe("cache", () => {
  it("serves unchanged files from the content-hash cache and recounts changed ones", async () => {
    const root = copyFixture();
    const first = await check(root, { cache: true });
    expect(first.summary.cached).toBe(0);
    expect(existsSync(path.join(root, "node_modules/.cache/tokcost/check-cache.json"))).toBe(true);
    const second = await check(root, { cache: true });
    const textResults = second.results.filter((r) => r.kind === "text");
    expect(second.summary.cached).toBe(textResults.length);
    expect(second.results.map((r) => r.promptTokens)).toEqual(first.results.map((r) => r.promptTokens));
    writeFileSync(path.join(root, "prompts/tasks/classify.txt"), "Reply with one word.");
    const third = await check(root, { cache: path.join(root, "node_modules/.cache/tokcost/check-cache.json") });
    const changed = result(third, "prompts/tasks/classify.txt");
    expect(changed.cached).toBe(false);
    expect(changed.promptTokens).toBe(o200k.encode("Reply with one word.").length);
    expect(third.summary.cached).toBe(textResults.length - 1);
  });

  it("a corrupt cache file is ignored, never fatal", async () => {
    const root = copyFixture();
    const file = path.join(root, "cache.json");
    writeFileSync(file, "{ not json");
    const report = await check(root, { cache: file });
    expect(report.summary.errors).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8")).version).toBe(1);
  });
});

describe("bad input is reported per file; the other files are still checked", () => {
  it("a malformed JSONL line is named with its line number; a binary file and an invalid request are errors", async () => {
    const root = copyFixture();
    writeFileSync(path.join(root, "requests/broken.jsonl"), [JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }), "", '{"model": "gpt-4o", "messages": [}'].join("\n"));
    writeFileSync(path.join(root, "requests/invalid.json"), JSON.stringify({ model: "gpt-4o", messages: [{ role: "wizard", content: "hi" }] }));
    writeFileSync(path.join(root, "requests/malformed.json"), '{\n  "model": "gpt-4o",\n  "messages": [\n    { "role": "user" "content": "hi" }\n  ]\n}');
    writeFileSync(path.join(root, "prompts/tasks/image.txt"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    const report = await check(root);
    expect(report.exitCode).toBe(2);
    const broken = result(report, "requests/broken.jsonl");
    expect(broken.status).toBe("error");
    expect(broken.error).toMatchObject({ line: 3 });
    expect(broken.error!.message).toMatch(/^requests\/broken\.jsonl:3: not valid JSON/);
    const malformed = result(report, "requests/malformed.json");
    expect(malformed.error).toMatchObject({ line: 4 });
    expect(malformed.error!.message).toMatch(/^requests\/malformed\.json:4: not valid JSON/);
    const invalid = result(report, "requests/invalid.json");
    expect(invalid.error!.message).toMatch(/^requests\/invalid\.json: .*role/);
    expect(result(report, "prompts/tasks/image.txt").error!.message).toMatch(/binary/);
    // everything else was still checked
    expect(result(report, "prompts/system/long-context.md").status).toBe("fail");
    expect(result(report, "prompts/system/support.txt").status).toBe("pass");
    for (const r of report.results) if (r.error) expect(r.error.message).not.toContain("\n");
  });

  it("a glob that matches nothing is a warning, or an error with strict", async () => {
    const root = copyFixture();
    writeConfig(root, { model: "gpt-4o", rules: [{ files: ["prompts/**/*.txt", "prompts/**/*.xml"] }] });
    const report = await check(root);
    expect(report.exitCode).toBe(0);
    expect(report.problems).toEqual([expect.objectContaining({ level: "warning", code: "NO_MATCH", message: 'tokcost.config.json: rules[0].files: "prompts/**/*.xml" matches no files' })]);
    const strict = await check(root, { strict: true });
    expect(strict.exitCode).toBe(2);
    expect(strict.problems[0].level).toBe("error");
    expect(strict.summary.passed).toBe(report.summary.passed);
  });

  it("--strict means what estimate --strict means: a request field the API does not document fails the file", async () => {
    const root = copyFixture();
    mkdirSync(path.join(root, "strict"), { recursive: true });
    const body = { model: "gpt-4o", max_tokens: 50, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png", detal: "low" } }] }] };
    writeFileSync(path.join(root, "strict", "body.json"), JSON.stringify(body));
    writeConfig(root, { model: "gpt-4o", rules: [{ files: "strict/*.json", kind: "request" }] });
    const lenient = await check(root);
    expect(result(lenient, "strict/body.json").error).toBeUndefined();
    const strict = await check(root, { strict: true });
    expect(strict.exitCode).toBe(2);
    expect(result(strict, "strict/body.json").error!.message).toMatch(/detal/);
  });

  it("a rule with an unknown model is a config error naming its field; the other rules still run", async () => {
    const root = copyFixture();
    writeConfig(root, { model: "gpt-4o", rules: [{ files: "prompts/tasks/*.txt", model: "gtp-4o" }, { files: "prompts/system/support.txt" }] });
    const report = await check(root);
    expect(report.exitCode).toBe(2);
    expect(report.problems[0]).toMatchObject({ level: "error", code: "INVALID_CONFIG", rule: 0 });
    expect(report.problems[0].message).toMatch(/^tokcost\.config\.json: rules\[0\]\.model: unknown model "gtp-4o" \(did you mean gpt-4o.*\); fix the id/);
    expect(report.rules[0].status).toBe("error");
    expect(result(report, "prompts/system/support.txt").status).toBe("pass");
  });

  it("no maxTokens: the worst case prices the completion at the model's max output, and maxCostUsd says so", async () => {
    const root = copyFixture();
    writeConfig(root, { model: "gpt-4o", rules: [{ files: "prompts/tasks/classify.txt", limits: { maxCostUsd: 0.05 } }] });
    const report = await check(root);
    const r = result(report, "prompts/tasks/classify.txt");
    const tokens = tokensOf(root, "prompts/tasks/classify.txt");
    const gpt4o = getModel("gpt-4o").pricing;
    // never the prompt alone: the API lets the call generate up to 16,384 tokens
    expect(r).toMatchObject({ maxTokens: null, completionTokens: 16384, status: "fail" });
    expect(r.costUsd).toBeCloseTo((tokens * gpt4o.input! + 16384 * gpt4o.output!) / 1e6, 12);
    expect(r.violations[0].limit).toBe("maxCostUsd");
    expect(r.violations[0].message).toContain("(prompt + up to 16,384 completion tokens, the most gpt-4o may generate; set maxTokens to tighten)");
    expect(report.exitCode).toBe(1);
  });

  it("a model the table does not price is a config error unless allowUnpriced, even when a prefix rule would count it", async () => {
    const root = copyFixture();
    writeConfig(root, { rules: [{ files: "prompts/tasks/classify.txt", model: "gpt-4o-mni", limits: { maxPromptTokens: 10_000 } }] });
    const strict = await check(root);
    expect(strict.exitCode).toBe(2);
    expect(strict.problems[0].message).toMatch(/rules\[0\]\.model: unknown model "gpt-4o-mni" \(did you mean gpt-4o-mini.*--allow-unpriced/);
    const allowed = await check(root, { allowUnpriced: true });
    expect(allowed.exitCode).toBe(0);
    expect(result(allowed, "prompts/tasks/classify.txt")).toMatchObject({ promptTokens: tokensOf(root, "prompts/tasks/classify.txt"), costUsd: null });
  });

  it("mustFit names the limit the estimate's own limit check found (output cap), not one re-derived from the numbers", async () => {
    const root = copyFixture();
    writeConfig(root, { model: "gpt-4o", maxTokens: 20_000, rules: [{ files: "prompts/tasks/classify.txt" }] });
    const r = result(await check(root), "prompts/tasks/classify.txt");
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ limit: "mustFit", actual: 20_000, allowed: 16_384, over: 3_616 });
    expect(r.violations[0].message).toMatch(/^max tokens 20,000 exceed gpt-4o's 16,384-token output limit \(\+3,616 tokens\) — max_tokens is too large/);
  });

  it("a baseline problem is titled by its subject, not its wording", async () => {
    const root = copyFixture();
    writeFileSync(path.join(root, "tokcost-baseline.json"), "{ not json");
    const report = await check(root, { baseline: "tokcost-baseline.json" });
    const problem = report.problems.find((p) => p.subject === "baseline");
    expect(problem).toMatchObject({ level: "error", subject: "baseline" });
    expect(report.baseline).toBeNull();
    // reporters title it from the subject
    expect(renderGithub(report)).toMatch(/^::error file=tokcost-baseline\.json,title=tokcost%3A baseline::baseline tokcost-baseline\.json: not valid JSON/m);
    const reworded: CheckReport = { ...report, problems: report.problems.map((p) => ({ ...p, message: "the stored counts are unreadable" })) };
    expect(renderGithub(reworded)).toContain("title=tokcost%3A baseline::the stored counts are unreadable");
    // a missing baseline, by contrast, is a NO_BASELINE-style problem with a summary
    const missing = await check(copyFixture(), { baseline: "nope.json" });
    expect(missing.problems.find((p) => p.subject === "baseline")).toMatchObject({ code: "FILE_NOT_FOUND", level: "error" });
  });

  it("a dollar limit on a model without a price is a config error", async () => {
    const root = copyFixture();
    writeConfig(root, { model: "gpt-4o", encoding: "o200k_base", rules: [{ files: "prompts/tasks/*.txt", model: "my-finetune", limits: { maxCostUsd: 1 } }] });
    const report = await check(root);
    expect(report.exitCode).toBe(2);
    expect(report.problems[0].message).toMatch(/rules\[0\]\.limits\.maxCostUsd: my-finetune has no price/);
  });
});
