/**
 * How the API frames a chat request into prompt tokens, per model family: message constants,
 * how function/tool definitions are rendered, what `function_call` / `tool_choice` add — and,
 * for each family, which parts published API measurements confirm. This table is the one place
 * where exactness is decided: a count is `exact: true` only when every part of the request uses a
 * feature listed in its family's `measured` (test/framing-exactness.test.ts walks every feature ×
 * family against the measured cases).
 *
 * Sources (facts, re-derived; see docs/accuracy.md, "Chat and tool framing"):
 * - COOKBOOK: openai/openai-cookbook c81359c, How_to_count_tokens_with_tiktoken.ipynb (messages
 *   129/124, tools 105 on gpt-3.5-turbo and gpt-4, 101 on gpt-4o and gpt-4o-mini);
 *   06d9feb for gpt-3.5-turbo-0301.
 * - HMARR: hmarr/openai-chat-tokens b8e3b11, tests/token-counts.test.ts (36 counts measured on
 *   gpt-3.5-turbo-0613 with the 2023 `functions` API).
 * - PAMELAFOX: pamelafox/openai-messages-token-helper b60075e, tests/functions.py (18 counts with
 *   `tools` / `tool_choice`, 2024, a cl100k gpt-3.5-turbo snapshot) and tests/messages.py.
 */
import { matchFamily } from "./family.js";

/** A part of a chat request whose framing a rule may or may not have measured. */
export type FramingFeature =
  /** role + content + per-message constant + reply priming. */
  | "messages"
  /** assistant replies earlier in the conversation. */
  | "assistant-messages"
  /** `name` on system and function messages (the measured cases). */
  | "name"
  /** `name` on user, assistant and tool messages: gpt-4o bills one token less than the rule on user messages (test/conformance). */
  | "name.other-roles"
  /** role `function` result messages. */
  | "function-messages"
  /** role `tool` result messages. */
  | "tool-messages"
  /** assistant `function_call`. */
  | "assistant-function-call"
  /** assistant `tool_calls`, one per message. */
  | "assistant-tool-calls"
  /** several tool calls in one assistant message (parallel calls). */
  | "assistant-parallel-tool-calls"
  /** an assistant message with both text and tool calls (billed as two messages: recorded once, +4 on gpt-4o). */
  | "assistant-text-and-tool-calls"
  /** function definitions whose properties are primitives or string enums, each with a description. */
  | "definitions"
  /** definitions sent in the legacy `functions` parameter (rather than `tools`). */
  | "definitions.functions-api"
  /** a function with no parameters (`() => any`). */
  | "definitions.empty"
  /** a function with no (or an empty) description. */
  | "definitions.no-description"
  /** a property with no description. */
  | "definitions.undescribed"
  /** object-typed properties (nested objects, arrays of objects). */
  | "definitions.nested"
  /** arrays of primitives. */
  | "definitions.arrays"
  /** number / integer enums. */
  | "definitions.number-enum"
  /** `anyOf` unions. */
  | "definitions.any-of"
  /** a property without a type. */
  | "definitions.untyped"
  /** property titles (`title`), shown as comments by the 2024 rendering. */
  | "definitions.titles"
  /** `const` and `additionalProperties`, which the rendering drops (measured on 0613). */
  | "definitions.const"
  /** other schema keywords the rendering drops (default, format, minimum, oneOf, $ref…). */
  | "definitions.keywords"
  | "function_call.none"
  | "function_call.auto"
  | "function_call.named"
  | "tool_choice.none"
  | "tool_choice.auto"
  | "tool_choice.named"
  | "tool_choice.required";

/** How function definitions are rendered into the TypeScript-like `namespace functions { … }` text. */
export interface DefinitionStyle {
  /** Keep descriptions of properties inside nested objects (the 2023 rendering drops them). */
  nestedDescriptions: boolean;
  /** Spaces added per nesting level. */
  nestedIndent: number;
  /** Write number enums quoted (`"-1" | "1"`) instead of bare. */
  quoteNumberEnums: boolean;
  /** Show a property's `default` as a trailing `// default: X` comment. */
  defaultComments: boolean;
  /** Show a property's `title` as `// Title` and `//` lines above its description. */
  titleComments: boolean;
  /** Prefix every line of a multi-line function description with `// ` (else only the first). */
  commentEveryLine: boolean;
  /**
   * Tokens added per object whose last property has no description and is not a string enum
   * (the 2024 rendering bills one token less there; the reason is not visible from outside).
   */
  undescribedLast: number;
}

/** What forcing or disabling a call adds, per value of `function_call` / `tool_choice`. */
export interface ChoiceConstants {
  none: number;
  auto: number;
  required: number;
  /** Added with the forced name's own tokens. */
  named: number;
}

/** The framing of one model family. */
export interface FramingRule {
  models: readonly string[];
  tokensPerMessage: number;
  tokensPerName: number;
  replyPriming: number;
  /** Added to the rendered definitions' tokens. */
  definitionsOverhead: number;
  /** Added when definitions are sent and a system (or developer) message exists. */
  systemWithDefinitions: number;
  /** The first system message gets a newline appended when definitions are sent. */
  padFirstSystem: boolean;
  /** Added per assistant message (GPT-5 frames replies with a channel). */
  assistantMessage: number;
  /** Added per role `function` (and, inexactly, role `tool`) message. */
  functionMessage: number;
  /** Added per assistant function call (name + arguments are counted as text). */
  functionCall: number;
  /** Arguments are billed re-serialized as compact JSON (`{"a":1}`), not as sent. */
  compactArguments: boolean;
  /** A tool result also carries the function it answers (`functions.<name>`). */
  toolResultRecipient: boolean;
  choice: { functions: ChoiceConstants; tools: ChoiceConstants };
  definitions: DefinitionStyle;
  /** Features API measurements confirm for this family, each with its source. */
  measured: Partial<Record<FramingFeature, string>>;
  /** Where the constants come from. */
  source: string;
}

const COOKBOOK = "openai/openai-cookbook c81359c How_to_count_tokens_with_tiktoken.ipynb";
const COOKBOOK_OLD = "openai/openai-cookbook 06d9feb How_to_count_tokens_with_tiktoken.ipynb";
const HMARR = "hmarr/openai-chat-tokens b8e3b11 tests/token-counts.test.ts (gpt-3.5-turbo-0613)";
const PAMELAFOX = "pamelafox/openai-messages-token-helper b60075e tests/functions.py (2024 gpt-3.5-turbo)";
const PAMELAFOX_MESSAGES = "pamelafox/openai-messages-token-helper b60075e tests/messages.py";

/** The 2023 rendering (gpt-3.5-turbo-0613): nested descriptions dropped, 2-space nesting. */
const STYLE_2023: DefinitionStyle = { nestedDescriptions: false, nestedIndent: 2, quoteNumberEnums: false, defaultComments: false, titleComments: false, commentEveryLine: false, undescribedLast: 0 };
/**
 * The 2024 rendering: nested descriptions kept, nesting not indented, number enums bare, titles
 * and defaults as comments (as openai/harmony renders them), every line of a function description
 * commented; one token less per object whose last property has no description. Derived from
 * PAMELAFOX's 18 counts (all reproduced; neither published library's rendering gets more than 11)
 * and from recorded gpt-4o traffic (test/conformance).
 */
const STYLE_2024: DefinitionStyle = { nestedDescriptions: true, nestedIndent: 0, quoteNumberEnums: false, defaultComments: true, titleComments: true, commentEveryLine: true, undescribedLast: -1 };

/** `function_call` on the 2023 API (HMARR) and `tool_choice` on the 2024 API (PAMELAFOX). */
const CHOICE_FUNCTIONS: ChoiceConstants = { none: 1, auto: 0, required: 0, named: 4 };
const CHOICE_TOOLS: ChoiceConstants = { none: 1, auto: 0, required: 0, named: 7 };

const BASE = {
  tokensPerMessage: 3,
  tokensPerName: 1,
  replyPriming: 3,
  assistantMessage: 0,
  definitionsOverhead: 9,
  systemWithDefinitions: -4,
  padFirstSystem: true,
  functionMessage: -2,
  functionCall: 3,
  compactArguments: false,
  toolResultRecipient: false,
  choice: { functions: CHOICE_FUNCTIONS, tools: CHOICE_TOOLS },
} as const;
/**
 * Tool calls and results as the 2024 models are billed (recorded gpt-4o and gpt-4o-mini
 * conversations, test/conformance): arguments re-serialized as compact JSON, each result naming
 * `functions.<name>` of the call it answers, +3 per call and +1 per result.
 */
const CALLS_2024 = { functionMessage: 1, compactArguments: true, toolResultRecipient: true } as const;

const MESSAGES_MEASURED = { messages: COOKBOOK, name: COOKBOOK, "assistant-messages": `${HMARR}; ${PAMELAFOX_MESSAGES}` } as const;
/**
 * Recorded real traffic (test/conformance: request bodies with the usage the API billed, each with
 * repo, path and commit); the counts named here are the text-only chats the rule reproduces.
 */
const CORPUS = "test/conformance recorded API usage";
/** Flat definitions with descriptions: the cookbook's weather tool, reproduced by the rendering. */
const FLAT_TOOLS_MEASURED = { definitions: `${COOKBOOK} (weather tool)` } as const;

/** Framing per model family; the most specific family prefix wins. */
export const FRAMING_RULES: readonly FramingRule[] = [
  {
    ...BASE,
    models: ["gpt-3.5-turbo-0613", "gpt-3.5-turbo-16k-0613", "gpt-35-turbo-0613", "gpt-35-turbo-16k-0613"],
    definitions: STYLE_2023,
    measured: {
      ...MESSAGES_MEASURED,
      "function-messages": HMARR,
      "assistant-function-call": HMARR,
      definitions: HMARR,
      "definitions.functions-api": HMARR,
      "definitions.empty": HMARR,
      "definitions.no-description": HMARR,
      "definitions.undescribed": HMARR,
      "definitions.nested": HMARR,
      "definitions.arrays": HMARR,
      "definitions.number-enum": HMARR,
      "definitions.any-of": HMARR,
      "definitions.const": HMARR,
      "function_call.none": HMARR,
      "function_call.auto": HMARR,
      "function_call.named": HMARR,
    },
    source: HMARR,
  },
  {
    ...BASE,
    models: ["gpt-3.5-turbo-0301", "gpt-35-turbo-0301"],
    tokensPerMessage: 4,
    tokensPerName: -1,
    definitions: STYLE_2023,
    measured: { messages: COOKBOOK_OLD, name: COOKBOOK_OLD },
    source: COOKBOOK_OLD,
  },
  {
    // The alias (and 1106/0125 snapshots) of the 2024 tools era.
    ...BASE,
    models: ["gpt-3.5-turbo", "gpt-35-turbo"],
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: {
      ...MESSAGES_MEASURED,
      ...FLAT_TOOLS_MEASURED,
      "definitions.empty": PAMELAFOX,
      "definitions.undescribed": PAMELAFOX,
      "definitions.number-enum": PAMELAFOX,
      "definitions.nested": PAMELAFOX,
      "definitions.arrays": PAMELAFOX,
      "definitions.untyped": PAMELAFOX,
      "tool_choice.none": PAMELAFOX,
      "tool_choice.auto": PAMELAFOX,
      "tool_choice.named": PAMELAFOX,
    },
    source: PAMELAFOX,
  },
  {
    // gpt-4 is gpt-4-0613: the cookbook measured its messages and the flat weather tool (105).
    ...BASE,
    models: ["gpt-4", "gpt-4-0613", "gpt-4-32k"],
    definitions: STYLE_2023,
    measured: { ...MESSAGES_MEASURED, ...FLAT_TOOLS_MEASURED },
    source: COOKBOOK,
  },
  {
    ...BASE,
    models: ["gpt-4-turbo", "gpt-4-1106", "gpt-4-0125", "gpt-4-vision"],
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: {},
    source: `${COOKBOOK} ('gpt-4' constants, not measured for this family)`,
  },
  {
    ...BASE,
    models: ["gpt-4o", "gpt-4o-mini", "chatgpt-4o"],
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: {
      ...MESSAGES_MEASURED,
      ...FLAT_TOOLS_MEASURED,
      messages: `${COOKBOOK}; ${PAMELAFOX_MESSAGES}`,
      "definitions.empty": `${CORPUS} (gpt-4o, -mini)`,
      "definitions.no-description": `${CORPUS} (gpt-4o, -mini)`,
      "definitions.undescribed": `${CORPUS} (gpt-4o, -mini)`,
      "definitions.const": `${CORPUS} (gpt-4o, -mini)`,
      "definitions.titles": `${CORPUS} (gpt-4o, -mini)`,
      "tool_choice.auto": `${CORPUS} (gpt-4o, -mini)`,
      "tool_choice.named": `${CORPUS} (gpt-4o, -mini)`,
      "assistant-tool-calls": `${CORPUS} (gpt-4o, -mini: 88 conversations)`,
      "tool-messages": `${CORPUS} (gpt-4o, -mini: 88 conversations)`,
    },
    source: COOKBOOK,
  },
  {
    // 107 recorded text chats (1 to 8 messages, system/user/assistant) on gpt-4.1, -mini, -nano
    // and gpt-4.5: every one equal to the rule.
    ...BASE,
    models: ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4.5"],
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: { messages: `${CORPUS} (107 chats)`, "assistant-messages": `${CORPUS} (gpt-4.1-mini, 18 chats)` },
    source: `${COOKBOOK} constants, confirmed by ${CORPUS}`,
  },
  {
    // GPT-5: 2 tokens prime the reply and each earlier assistant reply costs 2 more than the
    // cookbook rule (recorded: 46 one- and two-message chats all 1 below the cookbook rule; 5
    // gpt-5-mini chats with one assistant reply 1 above it).
    ...BASE,
    models: ["gpt-5", "gpt-5-mini", "gpt-5-nano"],
    replyPriming: 2,
    assistantMessage: 2,
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: { messages: `${CORPUS} (gpt-5, -mini, -nano: 46 chats)`, "assistant-messages": `${CORPUS} (gpt-5-mini: 5 chats)` },
    source: CORPUS,
  },
  {
    // GPT-5.1 and later: the same 2-token reply priming (recorded: 10 chats on gpt-5.1 and
    // gpt-5.6); assistant replies not recorded.
    ...BASE,
    models: ["gpt-5.1", "gpt-5.6"],
    replyPriming: 2,
    assistantMessage: 2,
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: { messages: `${CORPUS} (gpt-5.1, gpt-5.6: 10 chats)` },
    source: `${CORPUS} (GPT-5 constants)`,
  },
  {
    // Same generation, nothing recorded: the GPT-5 constants, not measured.
    ...BASE,
    models: ["gpt-5-pro", "gpt-5-codex", "gpt-5.2", "gpt-5.3", "gpt-5.4", "gpt-5.5"],
    replyPriming: 2,
    assistantMessage: 2,
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: {},
    source: `${CORPUS} (GPT-5 constants, not measured for these)`,
  },
  {
    // o3 and o4-mini: 2 tokens prime the reply (recorded: 10 o3-mini chats, one with an assistant reply that costs the cookbook's).
    ...BASE,
    models: ["o3-mini"],
    replyPriming: 2,
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: { messages: `${CORPUS} (o3-mini: 10 chats)`, "assistant-messages": `${CORPUS} (o3-mini: 1 chat)` },
    source: CORPUS,
  },
  {
    ...BASE,
    models: ["o3", "o3-pro", "o4-mini"],
    replyPriming: 2,
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: {},
    source: `${CORPUS} (o3-mini constants, not measured for these)`,
  },
  {
    // The search models bill far fewer tokens than the message rule gives (9 for a one-line
    // question the rule counts as 16; recorded, test/conformance): framing unknown.
    ...BASE,
    models: ["gpt-4o-search-preview", "gpt-4o-mini-search-preview", "gpt-5-search-api"],
    ...CALLS_2024,
    definitions: STYLE_2024,
    measured: {},
    source: "recorded usage (test/conformance): the message rule over-counts these models",
  },
];

/** Families nobody has published measurements for (gpt-4.1, o-series, GPT-5…): same constants, nothing measured. */
const UNMEASURED: FramingRule = { ...BASE, ...CALLS_2024, models: [], definitions: STYLE_2024, measured: {}, source: `${COOKBOOK} (nearest rule; not measured for this family)` };

/** The framing rule for `model` (from the table, or a calibration supplied by the caller; see calibration.ts). */
export function framingFor(model: string, override?: (rule: FramingRule) => FramingRule): FramingRule {
  const rule = matchFamily(model, FRAMING_RULES)?.row ?? UNMEASURED;
  return override ? override(rule) : rule;
}

/** What a feature is called in a warning. */
export const FEATURE_NAMES: Readonly<Record<FramingFeature, string>> = {
  messages: "message framing",
  "assistant-messages": "assistant messages",
  name: "message names",
  "name.other-roles": "names on user, assistant and tool messages",
  "function-messages": "function result messages",
  "tool-messages": "tool result messages",
  "assistant-function-call": "assistant function_call framing",
  "assistant-tool-calls": "assistant tool_calls framing",
  "assistant-parallel-tool-calls": "parallel tool calls in one assistant message",
  "assistant-text-and-tool-calls": "assistant messages with both text and tool calls",
  definitions: "function definitions",
  "definitions.functions-api": "definitions in the legacy functions parameter",
  "definitions.empty": "functions without parameters",
  "definitions.no-description": "functions without a description",
  "definitions.undescribed": "parameters without a description",
  "definitions.nested": "nested object parameters",
  "definitions.arrays": "array parameters",
  "definitions.number-enum": "number enum parameters",
  "definitions.any-of": "anyOf parameters",
  "definitions.untyped": "parameters without a type",
  "definitions.titles": "parameter titles",
  "definitions.const": "const and additionalProperties keywords",
  "definitions.keywords": "schema keywords such as default, format or minimum",
  "function_call.none": 'function_call "none"',
  "function_call.auto": 'function_call "auto"',
  "function_call.named": "a forced function_call",
  "tool_choice.none": 'tool_choice "none"',
  "tool_choice.auto": 'tool_choice "auto"',
  "tool_choice.named": "a forced tool_choice",
  "tool_choice.required": 'tool_choice "required"',
};

/** The warning for a part whose framing the family's measurements do not cover. */
export function unmeasuredWarning(feature: FramingFeature, model: string): string {
  return `${FEATURE_NAMES[feature]} for ${model}: not measured, counted by the nearest published rule (may differ by a few tokens)`;
}
