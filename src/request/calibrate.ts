/**
 * `calibrate()`: measures a model's chat framing constants (framing.ts) against OpenAI's token
 * counting endpoint, so a model nobody has published measurements for counts exactly.
 *
 * The endpoint (POST /v1/responses/input_tokens) generates nothing: each probe is a small
 * Responses body — one, two or three messages, with and without names, a system or developer
 * message, one or two tools, each tool_choice, function_call / function_call_output pairs — and
 * each constant is solved by differencing two counts whose texts tokcost counts itself
 * (`getEncoding(encodingForModel(model)).count`), e.g.
 *
 *   tokensPerMessage = count([user A, assistant B, user C]) − count([user A, assistant B]) − tokens("user") − tokens(C)
 *
 * Every constant is solved from at least two independent probe pairs; only constants whose
 * measurements agree are written, and the framing features they cover are listed as confirmed
 * (`features`), which is what makes a count using them exact. A probe the endpoint rejects
 * (HTTP 400, e.g. message names, which the Responses API does not accept) leaves its constant
 * out with a note; any other failure (no key, 401, a timeout) stops the calibration.
 */
import { UsageError } from "../errors.js";
import { encodingForModel, getEncoding } from "../tokenizer/index.js";
import type { Calibration } from "./calibration.js";
import { framingFor, type FramingFeature } from "./framing.js";
import { ApiError } from "./http-errors.js";
import { countProviderFor, countRemote, type RemoteCountOptions } from "./remote-count.js";
import { renderFunctionNamespace, type FunctionLike } from "./tools.js";
import { billedArguments, toolResultRecipientTokens } from "./chat.js";

/** Options of {@link calibrate}: how to reach the endpoint, plus the date to record and probe concurrency. */
export interface CalibrateOptions extends Omit<RemoteCountOptions, "model"> {
  /** The calibration's date (YYYY-MM-DD; default today, UTC). */
  date?: string;
  /** Probes in flight at once (default 4). */
  concurrency?: number;
  /** Count texts with this encoding instead of the model's. */
  encoding?: string;
}

/** What a constant's probes measured. */
export type MeasuredConstant = keyof Calibration["constants"] | "toolChoiceAuto" | "functionCallPlusMessage";

/** Result of {@link calibrate}: the calibration file's content and how it was reached. */
export interface CalibrationResult {
  calibration: Calibration;
  /** Each constant's value per probe pair (a constant is calibrated when its values agree). */
  measurements: Partial<Record<MeasuredConstant, number[]>>;
  /** Probes sent. */
  probes: number;
  /** Constants left out, and why. */
  notes: string[];
}

type Item = Record<string, unknown>;

const A = "Hello there.";
const B = "Hi! How can I help you today?";
const C = "What is the weather like in Paris in spring?";
const SYSTEM = "You are a helpful assistant that answers briefly.";
const DEVELOPER = "Answer in French, and keep every answer under fifty words.";
const NAMES = ["alice", "helper_bot", "admin", "ops_lead"] as const;

const WEATHER: FunctionLike = {
  name: "get_weather",
  description: "Get the current weather in a given location",
  parameters: {
    type: "object",
    properties: {
      location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"], description: "The temperature unit to use" },
    },
    required: ["location"],
  },
};
const SEARCH: FunctionLike = {
  name: "search_docs",
  description: "Search the product documentation",
  parameters: {
    type: "object",
    properties: {
      query: { type: "string", description: "Words to look for" },
      limit: { type: "number", description: "How many results to return" },
    },
    required: ["query"],
  },
};
const CALLS = [
  { call_id: "call_probe_1", name: "get_weather", arguments: '{"location":"Paris, France"}', output: '{"temperature":18,"unit":"celsius"}' },
  { call_id: "call_probe_2", name: "search_docs", arguments: '{"query":"refund policy","limit":3}', output: "Refunds are accepted within 30 days of purchase." },
] as const;

const message = (role: string, content: string, name?: string): Item => ({ type: "message", role, content, ...(name ? { name } : {}) });
const tool = (fn: FunctionLike): Item => ({ type: "function", ...fn });
const call = (i: 0 | 1): Item => ({ type: "function_call", call_id: CALLS[i].call_id, name: CALLS[i].name, arguments: CALLS[i].arguments });
const output = (i: 0 | 1): Item => ({ type: "function_call_output", call_id: CALLS[i].call_id, output: CALLS[i].output });

interface Probe {
  input: Item[];
  tools?: FunctionLike[];
  toolChoice?: unknown;
}

const M1 = [message("user", A)];
const M1C = [message("user", C)];
const MS = [message("system", SYSTEM), message("user", A)];
const MD = [message("developer", DEVELOPER), message("user", C)];

/** The probes, by name (see the module comment for what each one isolates). */
const PROBES = {
  m1: { input: M1 },
  m1c: { input: M1C },
  m2: { input: [message("user", A), message("assistant", B)] },
  m3: { input: [message("user", A), message("assistant", B), message("user", C)] },
  ma: { input: [message("user", C), message("assistant", A)] },
  ms: { input: MS },
  md: { input: MD },
  n1: { input: [message("user", A, NAMES[0])] },
  n2: { input: [message("user", A), message("assistant", B, NAMES[1])] },
  n3: { input: [message("system", SYSTEM, NAMES[2]), message("user", A)] },
  n4: { input: [message("system", SYSTEM, NAMES[3]), message("user", A)] },
  d1: { input: M1, tools: [WEATHER] },
  d2: { input: M1, tools: [WEATHER, SEARCH] },
  ds: { input: MS, tools: [WEATHER] },
  dd: { input: MD, tools: [SEARCH] },
  none1: { input: M1, tools: [WEATHER], toolChoice: "none" },
  none2: { input: M1, tools: [WEATHER, SEARCH], toolChoice: "none" },
  auto1: { input: M1, tools: [WEATHER], toolChoice: "auto" },
  auto2: { input: M1, tools: [WEATHER, SEARCH], toolChoice: "auto" },
  required1: { input: M1, tools: [WEATHER], toolChoice: "required" },
  required2: { input: M1, tools: [WEATHER, SEARCH], toolChoice: "required" },
  named1: { input: M1, tools: [WEATHER], toolChoice: { type: "function", name: WEATHER.name } },
  named2: { input: M1, tools: [WEATHER, SEARCH], toolChoice: { type: "function", name: SEARCH.name } },
  pair1: { input: [...M1, call(0), output(0)] },
  pair2: { input: [...M1, call(0), call(1), output(0), output(1)] },
  call1: { input: [...M1, call(0)] },
  call2: { input: [...M1, call(0), call(1)] },
} satisfies Record<string, Probe>;
type ProbeName = keyof typeof PROBES;

/** Runs `jobs` with at most `limit` in flight; the first thrown error rejects. */
async function pool<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, jobs.length)) }, worker));
  return results;
}

/** Is this an answer about the probe's shape (a constant to leave out), rather than a failure of the run? */
function isShapeRejection(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 400 || error.status === 422);
}

/**
 * Measures `model`'s framing constants against OpenAI's count endpoint (see the module comment)
 * and returns the calibration file's content (`{ version: 1, model, endpoint, date, constants,
 * features }`) with the measurements behind it.
 *
 * @example
 * const { calibration } = await calibrate("gpt-4.1", { apiKey: process.env.OPENAI_API_KEY });
 * estimateRequest(body, { calibration });   // counted with the measured constants
 * @throws UsageError for a model or provider other than OpenAI's; MissingApiKeyError, ApiError
 *   (other than a 400 on one probe), RequestTimeoutError, NetworkError, InvalidResponseError.
 */
export async function calibrate(model: string, options: CalibrateOptions = {}): Promise<CalibrationResult> {
  const { date, concurrency, encoding: encodingName, ...remote } = options;
  const provider = remote.provider ?? countProviderFor(model, remote.table);
  if (provider !== "openai") throw new UsageError(`calibrate measures OpenAI's chat framing with OpenAI's count endpoint; ${model} is counted by ${provider}, whose tokenizer tokcost does not have`);
  const day = date ?? new Date().toISOString().slice(0, 10);
  const encoding = getEncoding(encodingName ?? encodingForModel(model));
  const E = (text: string): number => encoding.count(text);
  const rule = framingFor(model);
  const render = (fns: FunctionLike[]): number => E(renderFunctionNamespace(fns, rule.definitions));
  const pad = (text: string): number => (rule.padFirstSystem ? E(`${text}\n`) - E(text) : 0);

  const names = Object.keys(PROBES) as ProbeName[];
  let endpoint = "";
  const answers = await pool(
    names.map((name) => async (): Promise<number | ApiError> => {
      const probe: Probe = PROBES[name];
      const body: Item = { model, input: probe.input };
      if (probe.tools) body.tools = probe.tools.map(tool);
      if (probe.toolChoice !== undefined) body.tool_choice = probe.toolChoice;
      try {
        const counted = await countRemote(body, { ...remote, provider: "openai" });
        endpoint = counted.endpoint;
        return counted.promptTokens;
      } catch (error) {
        if (isShapeRejection(error)) return error;
        throw error;
      }
    }),
    concurrency ?? 4,
  );
  const counts = new Map<ProbeName, number | ApiError>(names.map((name, i) => [name, answers[i]]));
  for (const base of ["m1", "m2"] as const) {
    const answer = counts.get(base);
    if (answer instanceof ApiError) throw answer;
  }

  const notes: string[] = [];
  const measurements: CalibrationResult["measurements"] = {};
  /** Values of a constant from probe formulas; undefined when a probe it needs was rejected (noted). */
  const measure = (constant: MeasuredConstant, what: string, needs: ProbeName[], formulas: Array<(n: Record<ProbeName, number>) => number>): number | undefined => {
    const rejected = needs.map((name) => counts.get(name)).find((answer): answer is ApiError => answer instanceof ApiError);
    if (rejected) {
      notes.push(`${what}: the endpoint rejected a probe (HTTP ${rejected.status}: ${rejected.message.slice(0, 120)}); not calibrated`);
      return undefined;
    }
    const n = Object.fromEntries(counts) as Record<ProbeName, number>;
    const values = formulas.map((f) => f(n));
    measurements[constant] = values;
    const consistent = values.length >= 2 && values.every((v) => Number.isInteger(v) && v === values[0]);
    if (!consistent) {
      notes.push(`${what}: the probes disagree (${values.join(", ")}); not calibrated`);
      return undefined;
    }
    return values[0];
  };

  const constants: Calibration["constants"] = {};
  const features: FramingFeature[] = [];
  const tokensPerMessage = measure(
    "tokensPerMessage",
    "tokensPerMessage",
    ["m1", "m1c", "m2", "m3", "ms", "md"],
    [(n) => n.m3 - n.m2 - E("user") - E(C), (n) => n.ms - n.m1 - E("system") - E(SYSTEM), (n) => n.md - n.m1c - E("developer") - E(DEVELOPER)],
  );
  const T = tokensPerMessage;
  const replyPriming = T === undefined ? undefined : measure("replyPriming", "replyPriming", ["m1", "m1c"], [(n) => n.m1 - T - E("user") - E(A), (n) => n.m1c - T - E("user") - E(C)]);
  if (T !== undefined && replyPriming !== undefined) {
    Object.assign(constants, { tokensPerMessage: T, replyPriming });
    features.push("messages");
  } else if (T === undefined) notes.push("replyPriming: needs tokensPerMessage; not calibrated");
  // What an assistant reply adds beyond any other message (GPT-5 frames replies with a channel).
  const assistantMessage =
    T === undefined
      ? undefined
      : measure("assistantMessage", "assistantMessage", ["m1", "m2", "m1c", "ma"], [(n) => n.m2 - n.m1 - E("assistant") - E(B) - T, (n) => n.ma - n.m1c - E("assistant") - E(A) - T]);
  if (assistantMessage !== undefined) {
    constants.assistantMessage = assistantMessage;
    features.push("assistant-messages");
  }
  const A0 = assistantMessage ?? rule.assistantMessage;

  // Names on user and assistant messages ("name.other-roles") and on system messages ("name"): one
  // constant; when the two disagree, the one whose probes agree is kept and the other left unconfirmed.
  const nameOther = (n: Record<ProbeName, number>) => [n.n1 - n.m1 - E(NAMES[0]), n.n2 - n.m2 - E(NAMES[1])];
  const nameSystem = (n: Record<ProbeName, number>) => [n.n3 - n.ms - E(NAMES[2]), n.n4 - n.ms - E(NAMES[3])];
  const tokensPerName = measure(
    "tokensPerName",
    "message names",
    ["n1", "n2", "n3", "n4", "m1", "m2", "ms"],
    [(n) => nameOther(n)[0], (n) => nameOther(n)[1], (n) => nameSystem(n)[0], (n) => nameSystem(n)[1]],
  );
  if (tokensPerName !== undefined) {
    constants.tokensPerName = tokensPerName;
    features.push("name", "name.other-roles");
  } else if (measurements.tokensPerName) {
    const [o1, o2, s1, s2] = measurements.tokensPerName;
    if (o1 === o2) {
      constants.tokensPerName = o1;
      features.push("name.other-roles");
      notes.push(`message names: ${o1} on user and assistant messages, but system messages differ; names on system messages are not calibrated`);
    } else if (s1 === s2) {
      constants.tokensPerName = s1;
      features.push("name");
      notes.push(`message names: ${s1} on system messages, but user and assistant messages differ; their names are not calibrated`);
    }
  }

  const D = measure("definitionsOverhead", "definitionsOverhead", ["d1", "d2"], [(n) => n.d1 - n.m1 - render([WEATHER]), (n) => n.d2 - n.m1 - render([WEATHER, SEARCH])]);
  const S =
    D === undefined
      ? undefined
      : measure("systemWithDefinitions", "systemWithDefinitions", ["ds", "dd"], [(n) => n.ds - n.ms - render([WEATHER]) - D - pad(SYSTEM), (n) => n.dd - n.md - render([SEARCH]) - D - pad(DEVELOPER)]);
  if (D !== undefined) constants.definitionsOverhead = D;
  if (S !== undefined) constants.systemWithDefinitions = S;
  if (D !== undefined && S !== undefined) features.push("definitions");

  const choice = (constant: MeasuredConstant, value: string, probes: [ProbeName, ProbeName], extra: [number, number] = [0, 0]) =>
    measure(constant, `tool_choice "${value}"`, [...probes, "d1", "d2"], [(n) => n[probes[0]] - n.d1 - extra[0], (n) => n[probes[1]] - n.d2 - extra[1]]);
  const none = choice("toolChoiceNone", "none", ["none1", "none2"]);
  if (none !== undefined) {
    constants.toolChoiceNone = none;
    features.push("tool_choice.none");
  }
  const required = choice("toolChoiceRequired", "required", ["required1", "required2"]);
  if (required !== undefined) {
    constants.toolChoiceRequired = required;
    features.push("tool_choice.required");
  }
  const named = choice("toolChoiceNamed", "named", ["named1", "named2"], [E(WEATHER.name), E(SEARCH.name)]);
  if (named !== undefined) {
    constants.toolChoiceNamed = named;
    features.push("tool_choice.named");
  }
  // "auto" has no constant of its own in a calibration: it is confirmed when it adds what the rule says.
  const auto = choice("toolChoiceAuto", "auto", ["auto1", "auto2"]);
  if (auto !== undefined && auto === rule.choice.tools.auto) features.push("tool_choice.auto");
  else if (auto !== undefined) notes.push(`tool_choice "auto": adds ${auto} tokens where the rule has ${rule.choice.tools.auto}; not calibrated`);

  if (T !== undefined) {
    const callText = (i: 0 | 1) => E(CALLS[i].name) + E(billedArguments(rule, CALLS[i].arguments));
    // A result's text: its role, its output and, where the rule bills it, the function it answers.
    const resultText = (i: 0 | 1) => E("tool") + E(CALLS[i].output) + (rule.toolResultRecipient ? toolResultRecipientTokens(encoding, CALLS[i].name) : 0);
    const sum = measure(
      "functionCallPlusMessage",
      "tool calls and results",
      ["pair1", "pair2"],
      [
        (n) => n.pair1 - n.m1 - 2 * T - A0 - E("assistant") - callText(0) - resultText(0),
        (n) => (n.pair2 - n.m1 - 3 * T - A0 - E("assistant") - callText(0) - callText(1) - resultText(0) - resultText(1)) / 2,
      ],
    );
    if (sum !== undefined) {
      // A call alone separates the two constants; endpoints that need every call answered only give their sum,
      // which is all a valid request uses (each call is followed by its result).
      const lone = measure(
        "functionCall",
        "functionCall",
        ["call1", "call2"],
        [(n) => n.call1 - n.m1 - T - A0 - E("assistant") - callText(0), (n) => (n.call2 - n.m1 - T - A0 - E("assistant") - callText(0) - callText(1)) / 2],
      );
      const functionCall = lone ?? rule.functionCall;
      if (lone === undefined) notes.push(`functionCall: only functionCall + functionMessage (${sum}) is measured; functionCall keeps the rule's ${rule.functionCall}`);
      Object.assign(constants, { functionCall, functionMessage: sum - functionCall });
      // pair2 puts both calls in one assistant message: parallel calls are probed too.
      features.push("assistant-tool-calls", "assistant-parallel-tool-calls", "tool-messages");
    }
  } else notes.push("tool calls and results: need tokensPerMessage; not calibrated");

  const calibration: Calibration = { version: 1, model, endpoint, date: day, constants, features };
  return { calibration, measurements, probes: names.length, notes };
}
