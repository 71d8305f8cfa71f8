/**
 * Fake token-counting endpoints on 127.0.0.1 (node:http, port 0) for the vendor-count and
 * calibration tests. Each route speaks its vendor's documented request and response shape and
 * checks its auth header:
 *
 * - OpenAI    POST /v1/responses/input_tokens         (Authorization: Bearer) → { object: "response.input_tokens", input_tokens }
 * - Anthropic POST /v1/messages/count_tokens          (x-api-key, anthropic-version: 2023-06-01) → { input_tokens }
 * - Gemini    POST /v1beta/models/{model}:countTokens (x-goog-api-key) → { totalTokens }
 *
 * The OpenAI route counts with a rule of its own: the chat framing's structure (a constant per
 * message, the role and the text, names, reply priming, rendered function definitions, tool
 * choice, calls and results) with constants DIFFERENT from tokcost's defaults (SERVER_FRAMING),
 * text tokens from tokcost's encoder. Consecutive function_call items are one assistant turn
 * (joined to an assistant message just before them), as a chat assistant message with
 * tool_calls is. Scripted scenarios make the next requests fail, stall, or answer garbage.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { API_ERRORS } from "./fake-openai-server.js";
import { encodingForModel, getEncoding } from "../../src/tokenizer/index.js";
import { framingFor } from "../../src/request/framing.js";
import { renderFunctionNamespace, type FunctionLike } from "../../src/request/tools.js";

/** The OpenAI route's framing constants (tokcost's defaults: 3, 1, 3, 0, 9, -4, -2, 3, none 1, required 0, named 7). */
export const SERVER_FRAMING = {
  tokensPerMessage: 5,
  tokensPerName: 2,
  replyPriming: 2,
  assistantMessage: 1,
  definitionsOverhead: 11,
  systemWithDefinitions: -6,
  functionMessage: 1,
  functionCall: 4,
  toolChoiceNone: 3,
  toolChoiceRequired: 5,
  toolChoiceNamed: 6,
} as const;

export interface RecordedCount {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface CountScenario {
  status?: number;
  body?: unknown;
  /** Raw text answered with status 200 (garbage). */
  raw?: string;
  /** Answer this many bytes of JSON padding (over the client's cap). */
  oversize?: number;
  /** Never answer (the client times out). */
  hang?: boolean;
}

export interface FakeCountServerOptions {
  apiKey?: string;
  /** Reject message names on the OpenAI route, as the Responses API does (400 Unknown parameter). */
  rejectNames?: boolean;
  /** Echo the presented key in 401 messages (a misbehaving proxy). */
  echoKey?: boolean;
}

type Item = Record<string, any>;

/** The OpenAI route's count of a Responses body. */
export function serverCount(body: Item): number {
  const F = SERVER_FRAMING;
  const enc = getEncoding(encodingForModel(body.model));
  const E = (text: string) => enc.count(text);
  const textOf = (content: unknown): string => (typeof content === "string" ? content : Array.isArray(content) ? content.map((p: Item) => p.text ?? p.refusal ?? "").join("") : "");
  let total = 0;
  const messages: Item[] = [];
  const items: Item[] = typeof body.input === "string" ? [{ type: "message", role: "user", content: body.input }] : [...(body.input ?? [])];
  if (body.instructions) items.unshift({ type: "message", role: "developer", content: body.instructions });
  // Shaped like the real API's billing (test/conformance): arguments as compact JSON, a result
  // naming the function it answers, an assistant turn with text and calls framed twice.
  let assistantOpen = false;
  let assistantText = false;
  const callNames = new Map<string, string>();
  for (const item of items) {
    const type = item.type ?? "message";
    if (type === "message") {
      messages.push(item);
      total += F.tokensPerMessage + E(item.role) + E(textOf(item.content)) + (item.role === "assistant" ? F.assistantMessage : 0);
      if (typeof item.name === "string") total += E(item.name) + F.tokensPerName;
      assistantOpen = item.role === "assistant";
      assistantText = assistantOpen && textOf(item.content) !== "";
    } else if (type === "function_call") {
      if (!assistantOpen) total += F.tokensPerMessage + E("assistant") + F.assistantMessage;
      else if (assistantText) total += F.tokensPerMessage + E("assistant");
      assistantOpen = true;
      assistantText = false;
      callNames.set(item.call_id, item.name);
      total += E(item.name) + E(JSON.stringify(JSON.parse(item.arguments))) + F.functionCall;
    } else if (type === "function_call_output") {
      total += F.tokensPerMessage + E("tool") + E(textOf(item.output)) + F.functionMessage + E(`functions.${callNames.get(item.call_id) ?? ""}`);
      assistantOpen = false;
    }
  }
  if (items.length) total += F.replyPriming;
  const functions: FunctionLike[] = (body.tools ?? []).filter((t: Item) => t.type === "function").map((t: Item) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  if (functions.length) {
    total += E(renderFunctionNamespace(functions, framingFor("gpt-4.1").definitions)) + F.definitionsOverhead;
    const system = messages.find((m) => m.role === "system" || m.role === "developer");
    if (system) {
      total += F.systemWithDefinitions;
      if (typeof system.content === "string") total += E(`${system.content}\n`) - E(system.content);
    }
  }
  const choice = body.tool_choice;
  if (choice === "none") total += F.toolChoiceNone;
  else if (choice === "required") total += F.toolChoiceRequired;
  else if (choice && typeof choice === "object") total += F.toolChoiceNamed + E(choice.name);
  return total;
}

/** The Anthropic route's count: 3 per message, the text of every block, the system prompt, each tool's name, description and schema. */
export function anthropicCount(body: Item): number {
  const enc = getEncoding("cl100k_base");
  const E = (text: string) => enc.count(text);
  let total = 4 + (typeof body.system === "string" ? E(body.system) : 0);
  for (const m of body.messages) {
    total += 3;
    const blocks = typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content;
    for (const b of blocks) total += b.type === "text" ? E(b.text) : b.type === "tool_use" ? E(b.name) + E(JSON.stringify(b.input)) : b.type === "tool_result" ? E(String(b.content)) : 85;
  }
  for (const t of body.tools ?? []) total += E(t.name) + E(t.description ?? "") + E(JSON.stringify(t.input_schema));
  return total;
}

/** The Gemini route's count: 2 per content, the text of every part, the system instruction. */
export function geminiCount(body: Item): number {
  const enc = getEncoding("o200k_base");
  const request = body.generateContentRequest ?? body;
  let total = 0;
  for (const c of request.contents) {
    total += 2;
    for (const p of c.parts) total += p.text !== undefined ? enc.count(p.text) : 10;
  }
  for (const p of request.systemInstruction?.parts ?? []) total += enc.count(p.text);
  return total;
}

export class FakeCountServer {
  readonly apiKey: string;
  readonly requests: RecordedCount[] = [];
  readonly queue: CountScenario[] = [];
  readonly options: FakeCountServerOptions;
  private server!: Server;
  private sockets = new Set<Socket>();
  port = 0;

  constructor(options: FakeCountServerOptions = {}) {
    this.options = options;
    this.apiKey = options.apiKey ?? "sk-count-test-key-0123456789abcdef";
  }

  /** Base URLs as each vendor's client expects them. */
  get openaiURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }
  get anthropicURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get geminiURL(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? "/").split("?")[0];
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return this.json(res, 400, { error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error", param: null, code: null } });
    }
    this.requests.push({ path, headers: req.headers, body });
    const scenario = this.queue.shift();
    if (scenario?.hang) return; // never answers
    if (scenario?.raw !== undefined) {
      res.writeHead(200, { "content-type": "text/html" });
      return void res.end(scenario.raw);
    }
    if (scenario?.oversize !== undefined) {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(`{"input_tokens": 5, "padding": "${"x".repeat(scenario.oversize)}"}`);
    }
    if (scenario?.status)
      return this.json(
        res,
        scenario.status,
        scenario.body ?? { error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } },
      );
    if (scenario?.body !== undefined) return this.json(res, 200, scenario.body);

    if (req.method === "POST" && path === "/v1/responses/input_tokens") {
      const auth = String(req.headers.authorization ?? "");
      if (auth !== `Bearer ${this.apiKey}`) {
        const presented = auth.replace(/^Bearer\s+/, "");
        const shown = this.options.echoKey ? presented : `${presented.slice(0, 3)}***${presented.slice(-4)}`;
        return this.json(res, 401, API_ERRORS.invalidKey(shown));
      }
      if (typeof body.model !== "string")
        return this.json(res, 400, { error: { message: "Missing required parameter: 'model'.", type: "invalid_request_error", param: "model", code: "missing_required_parameter" } });
      const allowed = new Set(["model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "previous_response_id", "conversation", "reasoning", "text", "truncation"]);
      const unknown = Object.keys(body).find((key) => !allowed.has(key));
      if (unknown) return this.json(res, 400, { error: { message: `Unknown parameter: '${unknown}'.`, type: "invalid_request_error", param: unknown, code: "unknown_parameter" } });
      if (Array.isArray(body.input)) {
        const named = body.input.findIndex((item: Item) => item.name !== undefined && (item.type ?? "message") === "message");
        if (this.options.rejectNames && named >= 0)
          return this.json(res, 400, { error: { message: `Unknown parameter: 'input[${named}].name'.`, type: "invalid_request_error", param: `input[${named}].name`, code: "unknown_parameter" } });
      }
      return this.json(res, 200, { object: "response.input_tokens", input_tokens: serverCount(body) });
    }
    if (req.method === "POST" && path === "/v1/messages/count_tokens") {
      if (req.headers["x-api-key"] !== this.apiKey) return this.json(res, 401, { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } });
      if (req.headers["anthropic-version"] !== "2023-06-01") return this.json(res, 400, { type: "error", error: { type: "invalid_request_error", message: "anthropic-version: header is required" } });
      if (!Array.isArray(body.messages) || typeof body.model !== "string") return this.json(res, 400, { type: "error", error: { type: "invalid_request_error", message: "messages: Field required" } });
      if (body.messages.some((m: Item) => m.role !== "user" && m.role !== "assistant"))
        return this.json(res, 400, { type: "error", error: { type: "invalid_request_error", message: "messages: roles must be user or assistant" } });
      return this.json(res, 200, { input_tokens: anthropicCount(body) });
    }
    const gemini = /^\/v1beta\/models\/([^/:]+):countTokens$/.exec(path);
    if (req.method === "POST" && gemini) {
      if (req.headers["x-goog-api-key"] !== this.apiKey)
        return this.json(res, 403, {
          error: {
            code: 403,
            message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
            status: "PERMISSION_DENIED",
          },
        });
      const request = body.generateContentRequest ?? body;
      if (!Array.isArray(request.contents)) return this.json(res, 400, { error: { code: 400, message: "contents is required", status: "INVALID_ARGUMENT" } });
      if (body.generateContentRequest && body.generateContentRequest.model !== `models/${decodeURIComponent(gemini[1])}`)
        return this.json(res, 400, { error: { code: 400, message: "generateContentRequest.model does not match", status: "INVALID_ARGUMENT" } });
      return this.json(res, 200, { totalTokens: geminiCount(body), promptTokensDetails: [] });
    }
    this.json(res, 404, { error: { message: `Invalid URL (POST ${path})`, type: "invalid_request_error", param: null, code: null } });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }
}
