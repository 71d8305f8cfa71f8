/**
 * Calibration: `calibrate()` against a fake OpenAI count endpoint whose framing constants differ
 * from tokcost's defaults (test/helpers/fake-count-server.ts, SERVER_FRAMING) recovers those
 * constants, and local estimates made with the calibration then EQUAL the server's counts on
 * requests it never probed — exact, with source `calibrated`. Also: the CLI command, the file
 * loader's one-line errors, `--calibration` / `TOKCOST_CALIBRATION` on estimate, and the gate's
 * `calibration` key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FakeCountServer, SERVER_FRAMING, serverCount } from "./helpers/fake-count-server.js";
import { runCliAsync } from "./helpers/cli.js";
import { calibrate, localCountSource, calibrationSchema, chatToResponses, countRemote, estimateRequest, MissingApiKeyError, type Calibration } from "../src/index.js";
import { readCalibration } from "../src/node/calibration-file.js";
import { loadConfig, runCheck } from "../src/gate/index.js";

const MODEL = "gpt-4.1";
let server: FakeCountServer;
let dir: string;
let calibration: Calibration;

const ORDER_TOOL = {
  type: "function",
  function: {
    name: "lookup_order",
    description: "Look up an order by its number",
    parameters: {
      type: "object",
      properties: { order_id: { type: "string", description: "The order number" }, include_items: { type: "boolean", description: "List the items too" } },
      required: ["order_id"],
    },
  },
};
const REFUND_TOOL = {
  type: "function",
  function: {
    name: "issue_refund",
    description: "Refund an order",
    parameters: {
      type: "object",
      properties: { order_id: { type: "string", description: "The order number" }, reason: { type: "string", enum: ["damaged", "late", "other"], description: "Why" } },
      required: ["order_id", "reason"],
    },
  },
};

/** Requests the calibration never probed: other texts, more turns, other tools, other choices. */
const UNPROBED: Record<string, Record<string, unknown>> = {
  "a multi-turn chat with a system message": {
    model: MODEL,
    messages: [
      { role: "system", content: "You are a concise assistant for a bicycle shop." },
      { role: "user", content: "Do you repair carbon frames?" },
      { role: "assistant", content: "Yes — we inspect them first and quote before any work." },
      { role: "user", content: "How long does an inspection take?" },
      { role: "assistant", content: "Usually two working days." },
      { role: "user", content: "Great, thanks!" },
    ],
  },
  "tools with a named tool_choice and a developer message": {
    model: MODEL,
    messages: [
      { role: "developer", content: "Always look the order up before answering." },
      { role: "user", content: "Where is order 98765? It was supposed to arrive on Monday." },
    ],
    tools: [ORDER_TOOL, REFUND_TOOL],
    tool_choice: { type: "function", function: { name: "issue_refund" } },
  },
  "tools with tool_choice required, no system message": {
    model: MODEL,
    messages: [{ role: "user", content: "Refund order 555, it arrived broken." }],
    tools: [REFUND_TOOL],
    tool_choice: "required",
  },
  "tools with tool_choice none": {
    model: MODEL,
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "What can you do?" },
    ],
    tools: [ORDER_TOOL],
    tool_choice: "none",
  },
  "tool call / result pairs": {
    model: MODEL,
    messages: [
      { role: "system", content: "You help customers with orders." },
      { role: "user", content: "Check orders 1 and 2, then refund the late one." },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "lookup_order", arguments: '{"order_id":"1"}' } },
          { id: "call_b", type: "function", function: { name: "lookup_order", arguments: '{"order_id":"2","include_items":true}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: '{"status":"delivered"}' },
      { role: "tool", tool_call_id: "call_b", content: '{"status":"late","days":4}' },
      // Text and calls in one message are billed as two messages, which calibration does not probe: calls alone here.
      { role: "assistant", content: null, tool_calls: [{ id: "call_c", type: "function", function: { name: "issue_refund", arguments: '{"order_id":"2","reason":"late"}' } }] },
      { role: "tool", tool_call_id: "call_c", content: "refunded" },
    ],
    tools: [ORDER_TOOL, REFUND_TOOL],
  },
};

/** A chat with message names, and its Responses equivalent with the names kept (the fake server accepts them). */
const NAMED_CHAT = {
  model: MODEL,
  messages: [
    { role: "system", content: "You moderate a group chat." },
    { role: "user", content: "Can we move the meeting to 3pm?", name: "jordan" },
    { role: "user", content: "Works for me.", name: "sam_lee" },
    { role: "assistant", content: "Noted: the meeting moves to 3pm.", name: "moderator" },
  ],
};
function namedResponsesBody(): Record<string, unknown> {
  const body = chatToResponses(NAMED_CHAT).body;
  (body.input as Array<Record<string, unknown>>).forEach((item, i) => {
    const name = NAMED_CHAT.messages[i].name;
    if (name) item.name = name;
  });
  return body;
}

beforeAll(async () => {
  server = await new FakeCountServer().start();
  dir = mkdtempSync(path.join(tmpdir(), "tokcost-calibrate-"));
  const result = await calibrate(MODEL, { apiKey: server.apiKey, baseURL: server.openaiURL, date: "2026-01-15" });
  calibration = result.calibration;
});
afterAll(async () => {
  await server?.close();
});

describe("calibrate()", () => {
  it("recovers the endpoint's constants, each confirmed by at least two probes", () => {
    expect(calibrationSchema.parse(calibration)).toEqual(calibration);
    expect(calibration).toMatchObject({ version: 1, model: MODEL, endpoint: `${server.openaiURL}/responses/input_tokens`, date: "2026-01-15" });
    expect(calibration.constants).toEqual(SERVER_FRAMING);
    expect(new Set(calibration.features)).toEqual(
      new Set([
        "messages",
        "assistant-messages",
        "name",
        "name.other-roles",
        "definitions",
        "tool_choice.none",
        "tool_choice.required",
        "tool_choice.named",
        "tool_choice.auto",
        "assistant-tool-calls",
        "assistant-parallel-tool-calls",
        "tool-messages",
      ]),
    );
  });

  it("sends a few dozen small probes, never asking for a generation", () => {
    const probes = server.requests.filter((r) => r.path === "/v1/responses/input_tokens");
    expect(probes.length).toBeGreaterThanOrEqual(20);
    expect(probes.length).toBeLessThanOrEqual(40);
    for (const p of probes) expect(JSON.stringify(p.body).length).toBeLessThan(2000);
  });

  for (const [name, body] of Object.entries(UNPROBED)) {
    it(`with the calibration, the local estimate equals the server's count: ${name}`, async () => {
      const remote = await countRemote(body, { apiKey: server.apiKey, baseURL: server.openaiURL });
      const calibrated = estimateRequest(body, { calibration });
      expect(calibrated.promptTokens).toBe(remote.promptTokens);
      expect(calibrated.exact).toBe(true);
      expect(localCountSource(calibrated, calibration)).toBe("calibrated");
      // Without it, tokcost's default constants miss.
      expect(estimateRequest(body).promptTokens).not.toBe(remote.promptTokens);
    });
  }

  it("with the calibration, the local estimate equals the server's count: a chat with message names", async () => {
    const remote = await countRemote(namedResponsesBody(), { apiKey: server.apiKey, baseURL: server.openaiURL });
    const calibrated = estimateRequest(NAMED_CHAT, { calibration });
    expect(calibrated.promptTokens).toBe(remote.promptTokens);
    expect(calibrated.exact).toBe(true);
  });

  it("an endpoint that rejects message names (as the Responses API does): names are left out, the rest is calibrated", async () => {
    const strict = await new FakeCountServer({ rejectNames: true }).start();
    try {
      const result = await calibrate(MODEL, { apiKey: strict.apiKey, baseURL: strict.openaiURL, date: "2026-01-15" });
      expect(result.calibration.constants.tokensPerName).toBeUndefined();
      expect(result.calibration.features).not.toContain("name");
      expect(result.calibration.features).toContain("messages");
      expect(result.calibration.constants.tokensPerMessage).toBe(SERVER_FRAMING.tokensPerMessage);
      expect(result.notes.join("\n")).toMatch(/message names: the endpoint rejected a probe \(HTTP 400: Unknown parameter: 'input\[0\]\.name'\.\)/);
    } finally {
      await strict.close();
    }
  });

  it("no key: fails before probing; a wrong key: the 401 stops it", async () => {
    await expect(calibrate(MODEL, { baseURL: server.openaiURL })).rejects.toThrow(MissingApiKeyError);
    await expect(calibrate(MODEL, { apiKey: "sk-wrong-0123456789abcdef", baseURL: server.openaiURL })).rejects.toThrow(/Incorrect API key/);
  });

  it("refuses another vendor's model", async () => {
    await expect(calibrate("claude-sonnet-4-5", { apiKey: "x" })).rejects.toThrow(/OpenAI's count endpoint/);
  });
});

describe("calibration files", () => {
  it("readCalibration: one-line errors naming the file and the field", async () => {
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...calibration, constants: { tokensPerMessage: 2.5 } }));
    await expect(readCalibration(bad)).rejects.toThrow(new RegExp(`^calibration file ${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: constants\\.tokensPerMessage: `));
    writeFileSync(bad, JSON.stringify({ ...calibration, feature: [] }));
    await expect(readCalibration(bad)).rejects.toThrow(/: feature: unknown field$/);
    writeFileSync(bad, JSON.stringify({ ...calibration, features: ["messages", "nope"] }));
    await expect(readCalibration(bad)).rejects.toThrow(/: features\[1\]: /);
    writeFileSync(bad, "{ not json");
    await expect(readCalibration(bad)).rejects.toThrow(/not valid JSON/);
    await expect(readCalibration(path.join(dir, "missing.json"))).rejects.toThrow(/no such file \(write one with tokcost calibrate/);
  });

  it("tokcost calibrate -o writes the file; estimate --calibration and TOKCOST_CALIBRATION use it (exact, source calibrated)", async () => {
    const file = path.join(dir, "calibration.json");
    const env = { OPENAI_API_KEY: server.apiKey, OPENAI_BASE_URL: server.openaiURL, TOKCOST_CALIBRATION: undefined };
    const r = await runCliAsync(["calibrate", "-m", MODEL, "-o", file], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`tokensPerMessage ${SERVER_FRAMING.tokensPerMessage} (tokcost's rule: 3)`);
    expect(r.stdout).toContain(`wrote ${file}`);
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written.constants).toEqual(SERVER_FRAMING);
    expect(r.stdout + r.stderr).not.toContain(server.apiKey);

    const request = path.join(dir, "pairs.json");
    const body = UNPROBED["tool call / result pairs"];
    writeFileSync(request, JSON.stringify(body));
    const expected = (await countRemote(body, { apiKey: server.apiKey, baseURL: server.openaiURL })).promptTokens;
    for (const run of [
      () => runCliAsync(["estimate", request, "--calibration", file, "--json"], { env: { TOKCOST_CALIBRATION: undefined } }),
      () => runCliAsync(["estimate", request, "--json"], { env: { TOKCOST_CALIBRATION: file } }),
    ]) {
      const out = await run();
      expect(out.code).toBe(0);
      const [e] = JSON.parse(out.stdout).estimates;
      expect(e).toMatchObject({ promptTokens: expected, exact: true, countSource: "calibrated" });
    }
    const plain = await runCliAsync(["estimate", request, "--json"], { env: { TOKCOST_CALIBRATION: undefined } });
    expect(JSON.parse(plain.stdout).estimates[0]).toMatchObject({ exact: false, countSource: "local" });

    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ ...written, version: 2 }));
    const bad = await runCliAsync(["estimate", request, "--calibration", broken], { env: { TOKCOST_CALIBRATION: undefined } });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tokcost: calibration file .*broken\.json: version: /)]);
  });

  it("tokcost calibrate without a key: one line, exit 2", async () => {
    const r = await runCliAsync(["calibrate", "-m", MODEL], { env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: server.openaiURL } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("tokcost: no API key for OpenAI's token-counting endpoint: set OPENAI_API_KEY (or pass apiKey)");
  });

  it("tokcost check: the config's calibration key counts request files with it", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "tokcost-calibrate-gate-"));
    writeFileSync(path.join(root, "calibration.json"), JSON.stringify(calibration));
    const body = UNPROBED["tools with a named tool_choice and a developer message"];
    writeFileSync(path.join(root, "call.json"), JSON.stringify({ ...body, max_tokens: 100 }));
    const expected = (await countRemote(body, { apiKey: server.apiKey, baseURL: server.openaiURL })).promptTokens;
    const config = { model: MODEL, calibration: "calibration.json", rules: [{ files: "*.json", limits: { maxPromptTokens: expected } }] };
    writeFileSync(path.join(root, "tokcost.config.json"), JSON.stringify(config));
    const report = await runCheck(await loadConfig(root));
    const file = report.results.find((f) => f.path === "call.json")!;
    expect(file).toMatchObject({ promptTokens: expected, exact: true, status: "pass" });
    // Without it the default constants count differently.
    writeFileSync(path.join(root, "tokcost.config.json"), JSON.stringify({ ...config, calibration: undefined }));
    const plain = await runCheck(await loadConfig(root));
    expect(plain.results.find((f) => f.path === "call.json")!.promptTokens).not.toBe(expected);
  });
});
