/**
 * Estimating the endpoints billed per image, character, minute or media token: the Images API,
 * speech, transcription/translation and moderations. What is exact and what is estimated is
 * said per endpoint in docs/requests.md ("Images, audio and moderation").
 *
 * - Images: dall-e-2/-3 per image at the table's price for size × quality; gpt-image models
 *   bill text tokens (prompt + a recorded overhead, per image generated), input image tokens
 *   (edits: the tile rule with 65 + 129 per 512-px tile, from recorded usage) and output image
 *   tokens by quality × size — at the per-image list price when the table has one, else the
 *   image-generation guide's token table × the imageOutput rate. "auto" quality is priced as
 *   the most expensive (high).
 * - Speech: tts-1/-hd per character (exact); gpt-4o-mini-tts text tokens in, and audio out
 *   estimated from the input length (SPEECH_CHARACTERS_PER_MINUTE) at its per-minute price.
 * - Transcription/translation: per-minute models by the audio's duration (file headers, or the
 *   `audioMinutes` option); per-token models: prompt text tokens, audio tokens unknown.
 * - Moderations: input tokens counted, billed at the table's price (free: $0), no output.
 */
import { costOf, sumUsd, countCharacters, imageCost, speechCost, tidyUsd, transcriptionCost, type Cost } from "../pricing/cost.js";
import type { ModelEntry } from "../pricing/schema.js";
import type { ResolvedModel } from "../estimate/model.js";
import { getEncoding } from "../tokenizer/index.js";
import { UsageError } from "../errors.js";
import { audioDuration } from "../util/audio-duration.js";
import { imageSizeFromBytes, imageSizeFromDataUrl, isDataUrl, tileLayout, type ImageSize } from "./images.js";
import { imageModelRules, SPEECH_CHARACTERS_PER_MINUTE, type ImageModelRules } from "./media-rules.js";
import type { ImageSizeOptions } from "./chat.js";
import type { ValidatedRequest } from "./validate.js";
import { notice, type Notice } from "../estimate/notice.js";

/** What a media request is billed in, for the breakdown and the CLI. */
export interface MediaBreakdown {
  /** The billing unit: images, characters, minutes, or tokens (text, image, audio). */
  unit: "image" | "character" | "minute" | "token";
  /** How many units (images generated, characters spoken, minutes of audio); null when unknown. */
  quantity: number | null;
  /** Output image tokens (gpt-image) or audio tokens (speech) in the estimate. */
  outputTokens: number;
  /** Input image tokens (gpt-image edits). */
  imageInputTokens: number;
  /** How the quantity and price were found ("2 × 1024x1792 hd", "12.5 s from the WAV RIFF data chunk"). */
  detail: string;
}

/** Options the media estimates read. */
export interface MediaOptions extends ImageSizeOptions {
  /** Audio length in minutes, for a transcription whose file tokcost cannot read (a stream, a remote file, OGG…). */
  audioMinutes?: number;
}

/** A media estimate before the common fields are filled in. */
export interface MediaCounted {
  promptTokens: number;
  exact: boolean;
  notices: Notice[];
  cost: Cost;
  /** Output tokens in the worst case (image or audio tokens; 0 when billed per unit). */
  completionTokens: number;
  media: MediaBreakdown;
}

const UNKNOWN: Cost = { currency: "USD", prompt: null, completion: null, total: null };

function usd(prompt: number | null, completion: number | null): Cost {
  const total = sumUsd([prompt, completion]);
  return { currency: "USD", prompt, completion, total };
}

/** Bytes of a file field when tokcost can read them synchronously (bytes, an ArrayBuffer, `{ bytes }` from FormData). */
export function fileBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "object" && value !== null && "bytes" in value) return fileBytes((value as { bytes: unknown }).bytes);
  return undefined;
}

function fileName(value: unknown, fallback: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string") return (value as { name: string }).name;
  return fallback;
}

/** Input image tokens of a gpt-image edit: the tile rule (fit 2048², shortest side 768, 512-px tiles). */
function inputImageTokens(rules: ImageModelRules, size: ImageSize | undefined): number {
  const { baseTokens, tileTokens } = rules.inputImage ?? { baseTokens: 65, tileTokens: 129 };
  // Unknown size: the most an image can be (768 × 2048 after scaling: 8 tiles).
  const { tiles } = size ? tileLayout(size.width, size.height) : tileLayout(768, 2048);
  return baseTokens + tileTokens * tiles;
}

function imageEstimate(
  validated: ValidatedRequest & { kind: "images" | "image-edits" | "image-variations" },
  model: string,
  entry: ModelEntry | undefined,
  enc: ReturnType<typeof getEncoding>,
  options: MediaOptions,
): MediaCounted {
  const body = validated.body as Record<string, unknown>;
  const n = typeof body.n === "number" ? body.n : 1;
  const rules = imageModelRules(model);
  const notices: Notice[] = [];
  const requestedQuality = typeof body.quality === "string" ? body.quality : undefined;
  const size = typeof body.size === "string" && body.size !== "auto" ? body.size : undefined;
  const tokenPriced = rules?.outputTokens !== undefined;
  if (!tokenPriced) {
    // dall-e-2 / dall-e-3: per image. dall-e-2 has one quality ("standard" is accepted, and priced as it).
    if (!entry?.pricing.images?.length)
      return {
        promptTokens: 0,
        exact: false,
        notices: [notice("NO_PRICE", `${model} has no per-image price in the table`, model)],
        cost: UNKNOWN,
        completionTokens: 0,
        media: { unit: "image", quantity: n, outputTokens: 0, imageInputTokens: 0, detail: `${n} image${n === 1 ? "" : "s"}` },
      };
    const priced = entry.pricing.images.some((p) => p.quality !== undefined) ? requestedQuality : undefined;
    let unit;
    try {
      unit = imageCost(entry, { images: n, size, quality: priced });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return {
        promptTokens: 0,
        exact: false,
        notices: [notice("NO_PRICE", error.message, model)],
        cost: UNKNOWN,
        completionTokens: 0,
        media: { unit: "image", quantity: n, outputTokens: 0, imageInputTokens: 0, detail: `${n} image${n === 1 ? "" : "s"}` },
      };
    }
    if (body.style !== undefined && !/^dall-e-3/.test(model)) notices.push(notice("MEDIA_ESTIMATE", `style applies to dall-e-3 only: ${model} ignores it`, "style"));
    return {
      promptTokens: 0,
      exact: true,
      notices,
      cost: usd(0, unit.total),
      completionTokens: 0,
      media: { unit: "image", quantity: n, outputTokens: 0, imageInputTokens: 0, detail: `${n} × ${unit.detail ?? "image"} at $${unit.rate}` },
    };
  }
  // gpt-image models: tokens.
  const table = rules!.outputTokens!;
  const quality = requestedQuality && requestedQuality !== "auto" && table[requestedQuality] ? requestedQuality : (rules!.defaultQuality ?? "high");
  if (!requestedQuality || requestedQuality === "auto")
    notices.push(notice("MEDIA_ESTIMATE", `quality ${requestedQuality ?? "not set"} ("auto"): priced as ${quality}, the most it can cost`, "quality"));
  const worstSize = size ?? "1024x1536";
  if (!size) notices.push(notice("MEDIA_ESTIMATE", `size ${body.size ?? "not set"} ("auto"): priced as ${worstSize}, the most it can cost`, "size"));
  let perImage = table[quality]?.[worstSize];
  let exact = validated.kind === "images" && rules!.exactGenerations === true;
  if (perImage === undefined) {
    // A flexible size (gpt-image-2): scale the 1024×1024 count by area.
    const [w, h] = worstSize.split("x").map(Number);
    perImage = Math.ceil((table[quality]?.["1024x1024"] ?? 4160) * ((w * h) / (1024 * 1024)));
    notices.push(notice("MEDIA_ESTIMATE", `output tokens for ${worstSize} are not published: estimated from the 1024x1024 count by area`, "size"));
  }
  const outputTokens = perImage * n;
  // Text: the prompt plus the overhead recorded usage shows, per image generated.
  const promptText = typeof body.prompt === "string" ? enc.count(body.prompt) : 0;
  let text = (promptText + (rules!.promptOverhead ?? 0)) * (validated.kind === "image-variations" ? 0 : n);
  let imageInput = 0;
  if (validated.kind === "image-edits") {
    exact = false;
    const images: Array<ImageSize | undefined> = [];
    const sizeOf = (value: unknown): ImageSize | undefined => {
      const bytes = fileBytes(value);
      if (bytes) return imageSizeFromBytes(bytes);
      if (typeof value === "string" && isDataUrl(value)) return imageSizeFromDataUrl(value);
      if (typeof value === "string") return options.imageSizes?.[value] ?? options.imageSize;
      return options.imageSize;
    };
    if (Array.isArray(body.images)) for (const ref of body.images as Array<{ image_url?: string }>) images.push(sizeOf(ref.image_url));
    if (body.image !== undefined) for (const file of Array.isArray(body.image) ? body.image : [body.image]) images.push(sizeOf(file));
    if (images.some((s) => s === undefined)) notices.push(notice("INEXACT_COUNT", "input image of unknown size: counted as the most it can cost", "image"));
    imageInput = images.reduce((sum: number, s) => sum + inputImageTokens(rules!, s), 0) * n;
    text += (rules!.editTokensPerImage ?? 0) * images.length * n;
    notices.push(notice("MEDIA_ESTIMATE", "image edits: input image tokens by the tile rule (65 + 129 per 512-px tile, from recorded usage); input_fidelity high adds tokens not counted here"));
  }
  if (!exact) notices.push(notice("INEXACT_COUNT", `${model}: text and image input tokens follow recorded usage, not a published rule: estimate`, model));
  // Output: the per-image list price for size × quality when the table has one, else tokens × imageOutput.
  const listed = entry?.pricing.images?.find((p) => p.size === worstSize && p.quality === quality);
  let completion: number | null;
  let detail: string;
  if (listed) {
    completion = tidyUsd(listed.usd * n);
    detail = `${n} × ${worstSize} ${quality} at $${listed.usd} (list price; ${perImage} output tokens each)`;
  } else if (entry?.pricing.imageOutput !== undefined) {
    completion = tidyUsd((outputTokens * entry.pricing.imageOutput) / 1e6);
    detail = `${n} × ${worstSize} ${quality}: ${perImage} output image tokens each`;
  } else {
    completion = null;
    detail = `${n} × ${worstSize} ${quality}`;
  }
  const inputRate = entry?.pricing.input;
  const imageInputRate = entry?.pricing.imageInput;
  const promptUsd =
    text === 0 && imageInput === 0
      ? 0
      : inputRate === undefined && text > 0
        ? null
        : imageInputRate === undefined && imageInput > 0
          ? null
          : tidyUsd((text * (inputRate ?? 0) + imageInput * (imageInputRate ?? 0)) / 1e6);
  return {
    promptTokens: text + imageInput,
    exact,
    notices,
    cost: usd(promptUsd, completion),
    completionTokens: outputTokens,
    media: { unit: "token", quantity: n, outputTokens, imageInputTokens: imageInput, detail },
  };
}

function speechEstimate(body: { input: string; instructions?: string; speed?: number }, model: string, entry: ModelEntry | undefined, enc: ReturnType<typeof getEncoding>): MediaCounted {
  const characters = countCharacters(body.input);
  if (entry && entry.pricing.characterInput !== undefined && entry.pricing.input === undefined) {
    const unit = speechCost(entry, characters);
    return {
      promptTokens: 0,
      exact: true,
      notices: body.instructions ? [notice("MEDIA_ESTIMATE", `instructions do not apply to ${model} (gpt-4o-mini-tts only)`, "instructions")] : [],
      cost: usd(0, unit.total),
      completionTokens: 0,
      media: { unit: "character", quantity: characters, outputTokens: 0, imageInputTokens: 0, detail: `${characters.toLocaleString("en-US")} characters at $${entry.pricing.characterInput}/1M` },
    };
  }
  const promptTokens = enc.count(body.input) + (body.instructions ? enc.count(body.instructions) : 0);
  const minutes = characters / SPEECH_CHARACTERS_PER_MINUTE / (body.speed ?? 1);
  const perMinute = entry?.pricing.audioOutputPerMinute;
  const audioRate = entry?.pricing.audioOutput;
  // Audio tokens a minute, where both a per-minute and a per-token price are published (gpt-4o-mini-tts: $0.015 / $12 per 1M = 1,250).
  const audioTokens = perMinute !== undefined && audioRate !== undefined ? Math.ceil((minutes * perMinute * 1e6) / audioRate) : 0;
  const prompt = entry?.pricing.input !== undefined ? tidyUsd((promptTokens * entry.pricing.input) / 1e6) : null;
  const completion = perMinute !== undefined ? tidyUsd(minutes * perMinute) : null;
  const notices = [
    notice(
      "MEDIA_ESTIMATE",
      `audio output estimated from the input length: ${characters.toLocaleString("en-US")} characters ≈ ${minutes.toFixed(2)} min at ${SPEECH_CHARACTERS_PER_MINUTE} characters a minute (150 words a minute)${body.speed && body.speed !== 1 ? ` and speed ${body.speed}` : ""}, priced at ${perMinute !== undefined ? `$${perMinute}/min, OpenAI's published estimate` : "no published per-minute price"}`,
      model,
    ),
  ];
  return {
    promptTokens,
    exact: false,
    notices,
    cost: usd(prompt, completion),
    completionTokens: audioTokens,
    media: {
      unit: "minute",
      quantity: Number(minutes.toFixed(4)),
      outputTokens: audioTokens,
      imageInputTokens: 0,
      detail: `≈ ${minutes.toFixed(2)} min of audio from ${characters.toLocaleString("en-US")} characters`,
    },
  };
}

/**
 * A token-priced speech model (gpt-4o-mini-tts) speaking `text`: its text tokens at the input
 * rate, and the audio it will generate estimated from the text's length (see
 * SPEECH_CHARACTERS_PER_MINUTE) at the published per-minute price; `exact: false`.
 */
export function estimateSpeechText(text: string, entry: ModelEntry): MediaCounted {
  return speechEstimate({ input: text }, entry.id, entry, getEncoding(entry.encoding ?? "o200k_base"));
}

function transcriptionEstimate(body: { file: unknown; prompt?: string }, model: string, entry: ModelEntry | undefined, enc: ReturnType<typeof getEncoding>, options: MediaOptions): MediaCounted {
  const notices: Notice[] = [];
  let seconds: number | undefined;
  let detail = "";
  const bytes = fileBytes(body.file);
  const name = fileName(body.file, "file");
  if (options.audioMinutes !== undefined) {
    seconds = options.audioMinutes * 60;
    detail = `${options.audioMinutes} min (given)`;
  } else if (bytes) {
    try {
      const d = audioDuration(bytes, name);
      seconds = d.seconds;
      detail = `${d.seconds.toFixed(1)} s from the ${d.format.toUpperCase()} ${d.method}`;
    } catch (error) {
      notices.push(notice("NO_PRICE", `${(error as Error).message.replace(/\(pass --minutes instead\)/, "")}: give its length (--minutes, or the audioMinutes option)`.replace(/\s+:/, ":"), "file"));
    }
  } else
    notices.push(
      notice(
        "NO_PRICE",
        `the audio's duration cannot be read from ${typeof body.file === "string" ? `"${name}"` : "this file value"}: give its length (--minutes, or the audioMinutes option)`,
        "file",
      ),
    );
  const promptTokens = body.prompt ? enc.count(body.prompt) : 0;
  if (entry?.pricing.audioInputPerMinute !== undefined) {
    if (seconds === undefined)
      return { promptTokens, exact: false, notices, cost: UNKNOWN, completionTokens: 0, media: { unit: "minute", quantity: null, outputTokens: 0, imageInputTokens: 0, detail: "duration unknown" } };
    const unit = transcriptionCost(entry, seconds / 60);
    return {
      promptTokens,
      exact: true,
      notices,
      cost: usd(0, unit.total),
      completionTokens: 0,
      media: { unit: "minute", quantity: Number((seconds / 60).toFixed(4)), outputTokens: 0, imageInputTokens: 0, detail },
    };
  }
  // Per-token transcription models: OpenAI publishes no audio tokens per minute, so the audio's cost is not guessed.
  notices.push(notice("NO_PRICE", `${model} bills audio tokens, and OpenAI publishes no audio tokens per minute: the audio's cost is unknown (text tokens and the output cap only)`, model));
  const maxOut = entry?.maxOutputTokens ?? 0;
  const prompt = entry?.pricing.input !== undefined ? tidyUsd((promptTokens * entry.pricing.input) / 1e6) : null;
  return {
    promptTokens,
    exact: false,
    notices,
    cost: { ...usd(prompt, null), completion: entry?.pricing.output !== undefined ? tidyUsd((maxOut * entry.pricing.output) / 1e6) : null },
    completionTokens: maxOut,
    media: { unit: "token", quantity: seconds === undefined ? null : Number((seconds / 60).toFixed(4)), outputTokens: maxOut, imageInputTokens: 0, detail: detail || "duration unknown" },
  };
}

function moderationEstimate(body: { input: unknown }, model: string, entry: ModelEntry | undefined, enc: ReturnType<typeof getEncoding>): MediaCounted {
  const input = body.input;
  const notices = [notice("INEXACT_COUNT", "the Moderations API reports no usage: input tokens are counted as text, without framing", model)];
  let tokens = 0;
  let images = 0;
  if (typeof input === "string") tokens = enc.count(input);
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (typeof item === "string") tokens += enc.count(item);
      else if (item && typeof item === "object" && (item as { type?: unknown }).type === "text") tokens += enc.count(String((item as { text: unknown }).text));
      else images++;
    }
  }
  if (images > 0) notices.push(notice("INEXACT_COUNT", `${images} image input${images === 1 ? "" : "s"}: not counted`, "input"));
  const cost = entry ? costOf(entry, { inputTokens: tokens, outputTokens: 0 }) : UNKNOWN;
  return {
    promptTokens: tokens,
    exact: false,
    notices,
    cost,
    completionTokens: 0,
    media: { unit: "token", quantity: tokens, outputTokens: 0, imageInputTokens: 0, detail: cost.total === 0 ? `${model}: free (published price $0)` : `${tokens} input tokens` },
  };
}

/** Estimates a validated media request (images, speech, transcription, translation, moderation). */
export function estimateMedia(validated: ValidatedRequest, model: string, resolved: ResolvedModel, options: MediaOptions): MediaCounted {
  const entry = resolved.entry;
  const enc = getEncoding(resolved.encoding);
  switch (validated.kind) {
    case "images":
    case "image-edits":
    case "image-variations":
      return imageEstimate(validated, model, entry, enc, options);
    case "speech":
      return speechEstimate(validated.body, model, entry, enc);
    case "transcriptions":
    case "translations":
      return transcriptionEstimate(validated.body, model, entry, enc, options);
    case "moderations":
      return moderationEstimate(validated.body, model, entry, enc);
    default:
      throw new Error(`not a media request: ${validated.kind}`);
  }
}
