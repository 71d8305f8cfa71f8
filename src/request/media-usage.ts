/**
 * What a media call actually cost, from its response: gpt-image usage (text, image input and
 * image output tokens), transcription usage (`{ type: "duration", seconds }` for per-minute
 * models, `{ type: "tokens", … }` for token models) — or, where the API reports no usage
 * (dall-e, speech, moderations), the estimate, which is billed per image / character / free.
 */
import { tidyUsd, transcriptionCost } from "../pricing/cost.js";
import type { PricingTable } from "../pricing/table.js";
import type { CallRecord, MeteredCall, UsageTokens } from "./meter.js";
import type { PreflightResult } from "./preflight.js";

/** The actual spend of a media call: tokens, USD (null = cannot be priced) and where they come from. */
export interface MediaSpend {
  usage: UsageTokens;
  usd: number | null;
  source: "usage" | "counted";
  warnings: string[];
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The spend of a media call from its response JSON (null for a binary response such as speech). */
export function mediaSpend(estimate: PreflightResult, json: unknown, table: PricingTable): MediaSpend | undefined {
  const entry = table.match(estimate.model)?.entry;
  const usage = obj(obj(json).usage);
  const rate = (r: number | undefined, tokens: number) => (tokens === 0 ? 0 : r === undefined ? null : (tokens * r) / 1e6);
  const add = (...parts: Array<number | null>) => (parts.some((p) => p === null) ? null : tidyUsd(parts.reduce((a: number, b) => a + (b as number), 0)));
  if (usage.type === "duration" && typeof usage.seconds === "number" && usage.seconds >= 0 && entry) {
    const cost = transcriptionCost(entry, usage.seconds / 60);
    return {
      usage: { promptTokens: estimate.promptTokens, cachedTokens: 0, completionTokens: 0, reasoningTokens: 0, totalTokens: estimate.promptTokens },
      usd: cost.total,
      source: "usage",
      warnings: [],
    };
  }
  if (isCount(usage.input_tokens) && isCount(usage.output_tokens) && entry) {
    const inDetails = obj(usage.input_tokens_details ?? usage.input_token_details);
    const outDetails = obj(usage.output_tokens_details);
    const image = isCount(inDetails.image_tokens) ? inDetails.image_tokens : 0;
    const audio = isCount(inDetails.audio_tokens) ? inDetails.audio_tokens : 0;
    const text = isCount(inDetails.text_tokens) ? inDetails.text_tokens : usage.input_tokens - image - audio;
    const imageOut = estimate.kind.startsWith("image") ? (isCount(outDetails.image_tokens) ? outDetails.image_tokens : usage.output_tokens) : 0;
    const textOut = usage.output_tokens - imageOut;
    const p = entry.pricing;
    const usd = add(rate(p.input, text), rate(p.imageInput, image), rate(p.audioInput, audio), rate(p.imageOutput, imageOut), rate(p.output, textOut));
    return {
      usage: { promptTokens: usage.input_tokens, cachedTokens: 0, completionTokens: usage.output_tokens, reasoningTokens: 0, totalTokens: usage.input_tokens + usage.output_tokens },
      usd,
      source: "usage",
      warnings: [],
    };
  }
  // No usage: dall-e (per image), tts (per character), moderations (free) bill what was estimated.
  if (estimate.cost.total === null) return undefined;
  const completion = Number.isFinite(estimate.worstCase.completionTokens) ? estimate.worstCase.completionTokens : 0;
  return {
    usage: { promptTokens: estimate.promptTokens, cachedTokens: 0, completionTokens: completion, reasoningTokens: 0, totalTokens: estimate.promptTokens + completion },
    usd: estimate.cost.total,
    source: "counted",
    warnings: estimate.exact ? [] : ["the API reports no usage for this call: settled at the estimate"],
  };
}

/**
 * Settles a media call from its response (read from a clone; the caller keeps the original):
 * JSON usage where there is some, the estimate where the API bills what was estimated, the
 * reserved worst case otherwise.
 */
export async function settleMediaResponse(call: MeteredCall, response: Response, table: PricingTable): Promise<CallRecord | undefined> {
  let json: unknown = null;
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      json = await response.clone().json();
    } catch {
      json = null;
    }
  }
  const spend = mediaSpend(call.estimate, json, table);
  if (!spend) return call.settleAtReservation("the response carries no usage that prices this call");
  return call.settle(spend.usage, spend.source, spend.warnings, { usd: spend.usd });
}
