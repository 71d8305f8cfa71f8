/**
 * Estimating models priced per image, character or minute, and reading audio files for
 * per-minute prices (whisper-1). The header parsing itself is pure and
 * lives in src/util/audio-duration.ts; this module only does the file I/O.
 */
import { UsageError } from "../errors.js";
import { readBytes } from "./io.js";
import { imageCost, pricingUnitOf, speechCost, transcriptionCost, countCharacters, type UnitCost } from "../pricing/cost.js";
import type { ModelEntry } from "../pricing/schema.js";
import { audioDuration, type AudioDuration } from "../util/audio-duration.js";
import { estimateSpeechText } from "../request/estimate-media.js";

export type { AudioDuration } from "../util/audio-duration.js";

/**
 * Duration of a WAV or MP3 file, read from its headers (no decoding).
 * @throws InputError when the file is missing, unreadable or not WAV/MP3.
 */
export async function readAudioDuration(path: string): Promise<AudioDuration> {
  return audioDuration(await readBytes(path), path);
}

/** An estimate for a model priced per image, per character or per minute. */
export interface UnitEstimate {
  /** The input file (text for speech, audio for transcription); null for image generation. */
  path: string | null;
  model: string;
  cost: UnitCost;
  warnings: string[];
  /** false when the quantity is estimated (the audio a token-priced speech model generates). */
  exact?: boolean;
}

/** What to estimate for unit-priced models. */
export interface UnitRequest {
  /** Images to generate (image models). */
  images?: number;
  size?: string;
  quality?: string;
  /** Audio minutes (transcription models), instead of reading durations from files. */
  minutes?: number;
}

/** A named input: a file path, or text / bytes already read (stdin). */
export type UnitInput = { path: string } | { name: string; bytes: Uint8Array };

async function bytesOf(input: UnitInput): Promise<{ name: string; bytes: Uint8Array }> {
  if ("bytes" in input) return input;
  return { name: input.path, bytes: await readBytes(input.path) };
}

/**
 * Estimates models that are not priced per text token: image models per image (`images`, `size`,
 * `quality`), speech models per character of each text input, transcription models per minute
 * (`minutes`, or each audio input's duration from its WAV/MP3 headers).
 * @throws UsageError when a needed quantity is missing; InputError for unreadable inputs.
 */
export async function estimateUnits(models: readonly ModelEntry[], inputs: readonly UnitInput[], request: UnitRequest): Promise<UnitEstimate[]> {
  const out: UnitEstimate[] = [];
  const read = new Map<UnitInput, { name: string; bytes: Uint8Array }>();
  const load = async (input: UnitInput) => read.get(input) ?? (read.set(input, await bytesOf(input)), read.get(input)!);
  for (const model of models) {
    const unit = pricingUnitOf(model);
    if (unit === "image") {
      if (request.images === undefined) throw new UsageError(`${model.id} is priced per image: pass --images <n> (and --size, --quality)`);
      out.push({ path: null, model: model.id, cost: imageCost(model, { images: request.images, size: request.size, quality: request.quality }), warnings: [] });
    } else if (unit === "character") {
      if (inputs.length === 0) throw new UsageError(`${model.id} is priced per character: pass the text to speak as a file or on stdin`);
      for (const input of inputs) {
        const { name, bytes } = await load(input);
        const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
        out.push({ path: name, model: model.id, cost: speechCost(model, countCharacters(text)), warnings: [] });
      }
    } else if (unit === "speech") {
      if (inputs.length === 0) throw new UsageError(`${model.id} speaks text: pass the text to speak as a file or on stdin`);
      for (const input of inputs) {
        const { name, bytes } = await load(input);
        const e = estimateSpeechText(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes), model);
        const detail = `${e.media.detail}; ${e.promptTokens.toLocaleString("en-US")} text tokens in`;
        out.push({
          path: name,
          model: model.id,
          cost: { currency: "USD", unit: "minute", quantity: e.media.quantity ?? 0, rate: model.pricing.audioOutputPerMinute ?? null, total: e.cost.total, detail },
          warnings: e.notices.map((n) => n.text),
          exact: false,
        });
      }
    } else if (unit === "minute") {
      if (request.minutes !== undefined) {
        out.push({ path: null, model: model.id, cost: transcriptionCost(model, request.minutes), warnings: [] });
        continue;
      }
      if (inputs.length === 0) throw new UsageError(`${model.id} is priced per minute: pass --minutes <n> or WAV/MP3 files`);
      for (const input of inputs) {
        const { name, bytes } = await load(input);
        const duration = audioDuration(bytes, name);
        const cost = transcriptionCost(model, duration.seconds / 60);
        out.push({ path: name, model: model.id, cost: { ...cost, detail: `${duration.seconds.toFixed(1)} s from the ${duration.format.toUpperCase()} ${duration.method}` }, warnings: [] });
      }
    } else {
      throw new UsageError(`${model.id} is priced per token: estimate it separately from per-image, per-character and per-minute models`);
    }
  }
  return out;
}
