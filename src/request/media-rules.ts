/**
 * What the Images, Audio and Moderations endpoints accept per model, and how they bill — as
 * data, one row per model family, each with its source. validate.ts refuses only what a row says
 * the API refuses; estimate-media.ts prices from the rows and the pricing table.
 */
import { matchFamily } from "./family.js";

/** Image-model rules (generations, edits, variations). */
export interface ImageModelRules {
  models: readonly string[];
  /** Sizes the model offers; undefined = flexible (any size the API takes). */
  sizes?: readonly string[];
  /** Largest `n` (dall-e-3: 1). */
  maxImages: number;
  /** Qualities the model is known to refuse others of; undefined = not checked. */
  qualities?: readonly string[];
  /** The quality "auto" / no quality stands for, in the worst case. */
  defaultQuality?: string;
  /** Longest prompt in characters. */
  maxPromptChars?: number;
  /** Output image tokens per image by quality and size (gpt-image models). */
  outputTokens?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Text tokens the API adds to each prompt (per image generated), where recorded usage shows it. */
  promptOverhead?: number;
  /** Of edits: text tokens per input image, where recorded usage shows it. */
  editTokensPerImage?: number;
  /** Input images: tile rule (fit 2048, shortest side 768, 512-px tiles). */
  inputImage?: { baseTokens: number; tileTokens: number };
  /** Counts of this model are exact (the rule reproduces recorded usage for it). */
  exactGenerations?: boolean;
  source: string;
}

const IMAGES_REF = "platform.openai.com/docs/api-reference/images/create (size, n, quality per model)";
/** OpenAI image-generation guide, "Cost and latency": output tokens by quality × size (gpt-image-1). */
const GPT_IMAGE_TOKENS = {
  low: { "1024x1024": 272, "1024x1536": 408, "1536x1024": 400 },
  medium: { "1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568 },
  high: { "1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208 },
} as const;
const GPT_IMAGE_SIZES = ["auto", "1024x1024", "1536x1024", "1024x1536"] as const;
// Recorded usage (test/conformance: crmne/ruby_llm, openai/openai-dotnet): a generation bills
// prompt + 6 text tokens per image ("a siamese cat" 4 → 10; "An isolated stop sign." 5 → 11, n=2 → 22);
// an edit with gpt-image-1.5 adds 16 text tokens per input image (27 with one image, 43 with two);
// one 128×128 input image is 194 image tokens = 65 + 129 × 1 tile (388 for two).
const RECORDED = "recorded usage in test/conformance (crmne/ruby_llm, openai/openai-dotnet)";

/** What every gpt-image model shares: sizes, limits, the output-token table and input-image tiling. */
const GPT_IMAGE_RULE = {
  sizes: GPT_IMAGE_SIZES,
  maxImages: 10,
  defaultQuality: "high",
  maxPromptChars: 32000,
  outputTokens: GPT_IMAGE_TOKENS,
  promptOverhead: 6,
  editTokensPerImage: 16,
  inputImage: { baseTokens: 65, tileTokens: 129 },
} as const;

export const IMAGE_MODEL_RULES: readonly ImageModelRules[] = [
  // "The size is not supported by this model." (code invalid_size) for dall-e-3 256x256 (redevrx/chat_gpt_sdk#93, Zain-ul-din/whatsapp-ai-bot#62).
  { models: ["dall-e-2"], sizes: ["256x256", "512x512", "1024x1024"], maxImages: 10, maxPromptChars: 1000, source: IMAGES_REF },
  { models: ["dall-e-3"], sizes: ["1024x1024", "1792x1024", "1024x1792"], maxImages: 1, qualities: ["standard", "hd"], defaultQuality: "standard", maxPromptChars: 4000, source: IMAGES_REF },
  {
    models: ["gpt-image-1"],
    ...GPT_IMAGE_RULE,
    exactGenerations: true,
    source: `${IMAGES_REF}; image-generation guide (output tokens); ${RECORDED}`,
  },
  {
    models: ["gpt-image-1-mini", "gpt-image-1.5", "chatgpt-image-latest"],
    ...GPT_IMAGE_RULE,
    source: `${IMAGES_REF}; gpt-image-1's token table as the nearest published rule; ${RECORDED}`,
  },
  // gpt-image-2 takes flexible sizes (a 1536x864 edit returned 200, test/conformance): sizes not checked.
  {
    models: ["gpt-image-2"],
    maxImages: 10,
    defaultQuality: "high",
    maxPromptChars: 32000,
    outputTokens: GPT_IMAGE_TOKENS,
    promptOverhead: 6,
    inputImage: { baseTokens: 65, tileTokens: 129 },
    source: `${IMAGES_REF}; gpt-image-1's token table as the nearest published rule`,
  },
];

/** The image rules for `model`, or undefined for a model no row covers. */
export function imageModelRules(model: string): ImageModelRules | undefined {
  return matchFamily(model, IMAGE_MODEL_RULES)?.row;
}

/**
 * Speech: characters spoken per minute, to estimate the audio a token-priced speech model
 * (gpt-4o-mini-tts) generates from its input. 150 words a minute is a common English speaking
 * rate; at about 6 characters per word (with the space) that is 900 characters a minute.
 * OpenAI publishes an estimated per-minute price for gpt-4o-mini-tts (pricing.audioOutputPerMinute)
 * but no characters-per-minute figure, so the result is an estimate (`exact: false`).
 */
export const SPEECH_CHARACTERS_PER_MINUTE = 900;

/** Default models of endpoints whose `model` is optional (API reference). */
export const DEFAULT_MODELS: Readonly<Partial<Record<string, string>>> = {
  images: "dall-e-2",
  "image-edits": "dall-e-2",
  "image-variations": "dall-e-2",
  moderations: "omni-moderation-latest",
};
