/**
 * Image input tokens, by the model's method, and image sizes from file headers.
 *
 * Rules copied from test/reference/image-tokens.json (OpenAI's vision guide, all
 * revisions). Two methods:
 * - tile (gpt-4o, gpt-4.1, gpt-4.5, gpt-4o-mini, o1, o3, gpt-5, gpt-5.1, computer-use-preview):
 *   fit within 2048×2048, shortest side down to 768, count 512-px tiles;
 *   tokens = base + tiles × tile tokens; detail "low" = base tokens.
 * - patch (gpt-4.1-mini/-nano, o4-mini, gpt-5-mini/-nano, gpt-5.2, gpt-5.4+): fit within the
 *   detail level's pixel limit, count 32-px patches, shrink to the patch budget if over it,
 *   multiply by the model's multiplier and round up. The guide itself says billing may differ
 *   from this by one token, so patch counts are reported as inexact.
 *
 * Pure functions: no file system. Reading a local file is `tokcost/node`'s job; this module
 * parses bytes (PNG, JPEG, GIF and WebP headers — no decoding library needed).
 */
import { InputError } from "../errors.js";
import { matchFamily } from "./family.js";
import { optionsArg } from "../util/args.js";

/** The `detail` of an image part. */
/** Image detail levels: auto/low/high, and "original" for the models that support it (GPT-5.4+). */
export const IMAGE_DETAILS = ["auto", "low", "high", "original"] as const;
/** An image detail level (see {@link IMAGE_DETAILS}). */
export type ImageDetail = (typeof IMAGE_DETAILS)[number];

/** Pixel limit and patch budget for one detail level of a patch model. */
export interface PatchSizing {
  /** Longest side limit in pixels (fit within maxDimension × maxDimension). */
  maxDimension: number;
  /** Patch budget; undefined = none. */
  patchBudget?: number;
}

/** How one model family turns an image into tokens. */
export type ImageRule =
  | { models: readonly string[]; method: "tile"; baseTokens: number; tileTokens: number; source: string }
  | {
      models: readonly string[];
      method: "patch";
      multiplier: number;
      /** Sizing per detail level; `auto` names the level it means. */
      sizing: { low?: PatchSizing; high: PatchSizing; original?: PatchSizing; auto: "low" | "high" | "original" };
      source: string;
    };

const GUIDE_2023 = "image-tokens.json: 2023-11/2024 'GPT-4 with Vision' guide";
const GUIDE_41 = "image-tokens.json: 2025 'Images and vision' guide, GPT-4.1 era";
const GUIDE_5 = "image-tokens.json: 2025 'Images and vision' guide, GPT-5 era";
const GUIDE_LATEST = "image-tokens.json: latest archived revision (developers.openai.com, GPT-5.4/5.5/5.6 era)";

/** The 2025 revisions' patch budget (gpt-4.1-nano, o4-mini, gpt-5-mini/-nano: no newer sizing published). */
const BUDGET_1536: PatchSizing = { maxDimension: 2048, patchBudget: 1536 };
const SIZING_6144: PatchSizing = { maxDimension: 2048, patchBudget: 6144 };
const SIZING_HIGH_2500: PatchSizing = { maxDimension: 2048, patchBudget: 2500 };
const SIZING_ORIGINAL_10000: PatchSizing = { maxDimension: 6000, patchBudget: 10000 };

/** Image rules per model family (most specific family wins). */
export const IMAGE_RULES: readonly ImageRule[] = [
  { models: ["gpt-4-turbo", "gpt-4-vision-preview", "gpt-4-1106-vision-preview"], method: "tile", baseTokens: 85, tileTokens: 170, source: GUIDE_2023 },
  { models: ["gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5"], method: "tile", baseTokens: 85, tileTokens: 170, source: `${GUIDE_41}; ${GUIDE_LATEST}` },
  { models: ["gpt-4o-mini"], method: "tile", baseTokens: 2833, tileTokens: 5667, source: `${GUIDE_41}; ${GUIDE_LATEST}` },
  { models: ["o1", "o1-pro", "o3"], method: "tile", baseTokens: 75, tileTokens: 150, source: `${GUIDE_41}; ${GUIDE_LATEST}` },
  { models: ["computer-use-preview"], method: "tile", baseTokens: 65, tileTokens: 129, source: GUIDE_41 },
  { models: ["gpt-5", "gpt-5-chat-latest", "gpt-5.1"], method: "tile", baseTokens: 70, tileTokens: 140, source: `${GUIDE_5}; ${GUIDE_LATEST}` },
  // Patch models. The latest revision gives gpt-4.1-mini a 6,144-patch budget (earlier: 1,536).
  { models: ["gpt-4.1-mini"], method: "patch", multiplier: 1.62, sizing: { low: SIZING_6144, high: SIZING_6144, auto: "high" }, source: GUIDE_LATEST },
  { models: ["gpt-4.1-nano"], method: "patch", multiplier: 2.46, sizing: { high: BUDGET_1536, auto: "high" }, source: `${GUIDE_41}; ${GUIDE_LATEST}` },
  { models: ["o4-mini"], method: "patch", multiplier: 1.72, sizing: { high: BUDGET_1536, auto: "high" }, source: `${GUIDE_41}; ${GUIDE_LATEST}` },
  { models: ["gpt-5-mini"], method: "patch", multiplier: 1.2, sizing: { high: BUDGET_1536, auto: "high" }, source: `${GUIDE_LATEST} (multiplier; was 1.62); ${GUIDE_5} (1,536-patch budget)` },
  { models: ["gpt-5-nano"], method: "patch", multiplier: 1.5, sizing: { high: BUDGET_1536, auto: "high" }, source: `${GUIDE_LATEST} (multiplier; was 2.46); ${GUIDE_5} (1,536-patch budget)` },
  { models: ["gpt-5.2"], method: "patch", multiplier: 1.2, sizing: { low: SIZING_6144, high: SIZING_6144, auto: "high" }, source: GUIDE_LATEST },
  {
    models: ["gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano"],
    method: "patch",
    multiplier: 1.2,
    sizing: { low: SIZING_6144, high: SIZING_HIGH_2500, original: SIZING_ORIGINAL_10000, auto: "high" },
    source: GUIDE_LATEST,
  },
  { models: ["gpt-5.5"], method: "patch", multiplier: 1.2, sizing: { low: { maxDimension: 512 }, high: SIZING_HIGH_2500, original: SIZING_ORIGINAL_10000, auto: "original" }, source: GUIDE_LATEST },
  {
    models: ["gpt-5.6", "gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna"],
    method: "patch",
    multiplier: 1.2,
    sizing: { low: { maxDimension: 512 }, high: SIZING_HIGH_2500, original: { maxDimension: 65535 }, auto: "original" },
    source: GUIDE_LATEST,
  },
];

/** The image rule for `model`, or undefined when the vision guide does not cover it. */
export function imageRuleFor(model: string): ImageRule | undefined {
  return matchFamily(model, IMAGE_RULES)?.row;
}

/** Result of {@link countImageTokens}. */
export interface ImageTokenCount {
  tokens: number;
  /** false for patch models (the guide allows a one-token difference) and worst-case guesses. */
  exact: boolean;
  method: "tile" | "patch";
  /** Tiles (tile method) or patches (patch method, before the multiplier). */
  units: number;
  /** The size the image is scaled to before counting. */
  scaledTo: { width: number; height: number };
  warnings: string[];
}

/** Options for {@link countImageTokens}. */
export interface ImageTokenOptions {
  model: string;
  width: number;
  height: number;
  /** Default "auto", as in the API. */
  detail?: ImageDetail;
}

// Guard against 1055.9999999 where the exact arithmetic gives 1056.
const EPS = 1e-9;

/** Tile method: scaled size and tile count (latest guide: never enlarge; round the other side down). */
export function tileLayout(width: number, height: number): { width: number; height: number; tiles: number } {
  let w = width;
  let h = height;
  if (w > 2048 || h > 2048) {
    const s = 2048 / Math.max(w, h);
    if (w >= h) {
      h = Math.max(1, Math.floor(h * s + EPS));
      w = 2048;
    } else {
      w = Math.max(1, Math.floor(w * s + EPS));
      h = 2048;
    }
  }
  if (Math.min(w, h) > 768) {
    const s = 768 / Math.min(w, h);
    if (w <= h) {
      h = Math.floor(h * s + EPS);
      w = 768;
    } else {
      w = Math.floor(w * s + EPS);
      h = 768;
    }
  }
  return { width: w, height: h, tiles: Math.ceil(w / 512) * Math.ceil(h / 512) };
}

/**
 * Patch method before the multiplier: fit within the pixel limit, count 32-px patches, shrink to
 * the patch budget if over it (the guide's formula), and cap at the budget.
 */
export function patchLayout(width: number, height: number, sizing: PatchSizing): { width: number; height: number; patches: number } {
  let w = width;
  let h = height;
  if (w > sizing.maxDimension || h > sizing.maxDimension) {
    const s = sizing.maxDimension / Math.max(w, h);
    w = Math.max(1, Math.min(sizing.maxDimension, Math.round(w * s)));
    h = Math.max(1, Math.min(sizing.maxDimension, Math.round(h * s)));
  }
  let patches = Math.ceil(w / 32) * Math.ceil(h / 32);
  const budget = sizing.patchBudget;
  if (budget !== undefined && patches > budget) {
    let r = Math.sqrt((32 * 32 * budget) / (w * h));
    const pw = (w * r) / 32;
    const ph = (h * r) / 32;
    r *= Math.min(Math.floor(pw + EPS) / pw, Math.floor(ph + EPS) / ph);
    w = Math.floor(w * r + EPS);
    h = Math.floor(h * r + EPS);
    patches = Math.min(budget, Math.ceil(w / 32) * Math.ceil(h / 32));
  }
  return { width: w, height: h, patches };
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InputError(`image size must be two positive whole numbers, got ${width}×${height}`);
  }
}

/**
 * Input tokens of one image on `model`, by the method the vision guide gives for it.
 *
 * @example
 * countImageTokens({ model: "gpt-4o", width: 1024, height: 1024, detail: "high" }).tokens; // 765
 * @throws InputError for a non-positive size; UnknownModel-style InputError when the vision guide covers no such model.
 */
export function countImageTokens(options: ImageTokenOptions): ImageTokenCount {
  const { model, width, height } = optionsArg(options, "countImageTokens");
  checkSize(width, height);
  const detail = options.detail ?? "auto";
  if (!IMAGE_DETAILS.includes(detail)) throw new InputError(`image detail must be one of ${IMAGE_DETAILS.join(", ")}, got ${JSON.stringify(detail)}`);
  const rule = imageRuleFor(model);
  if (!rule) throw new InputError(`no image token rule for "${model}": OpenAI's vision guide does not list it`);
  const warnings: string[] = [];
  if (rule.method === "tile") {
    if (detail === "low") return { tokens: rule.baseTokens, exact: true, method: "tile", units: 0, scaledTo: { width: Math.min(width, 512), height: Math.min(height, 512) }, warnings };
    if (detail === "original") warnings.push(`${model} has no "original" detail level: counted as "high"`);
    const layout = tileLayout(width, height);
    return { tokens: rule.baseTokens + layout.tiles * rule.tileTokens, exact: true, method: "tile", units: layout.tiles, scaledTo: { width: layout.width, height: layout.height }, warnings };
  }
  let level: "low" | "high" | "original" = detail === "auto" ? rule.sizing.auto : detail;
  if (level === "original" && !rule.sizing.original) {
    warnings.push(`${model} does not support detail "original": counted as "high"`);
    level = "high";
  }
  if (level === "low" && !rule.sizing.low) {
    warnings.push(`the vision guide gives no low-detail rule for ${model}: counted as "high"`);
    level = "high";
  }
  const sizing = rule.sizing[level] ?? rule.sizing.high;
  const layout = patchLayout(width, height, sizing);
  const tokens = Math.ceil(Number((layout.patches * rule.multiplier).toFixed(6)));
  warnings.push(`${model} counts images in 32-px patches × ${rule.multiplier}; OpenAI notes billing may differ from this by one token`);
  return { tokens, exact: false, method: "patch", units: layout.patches, scaledTo: { width: layout.width, height: layout.height }, warnings };
}

/**
 * The most tokens one image can cost on `model` at `detail` — used for a remote image whose size
 * tokcost cannot know (so the estimate stays a worst case, marked inexact).
 */
export function maxImageTokens(model: string, detail: ImageDetail = "auto"): number {
  const rule = imageRuleFor(model);
  if (!rule) throw new InputError(`no image token rule for "${model}": OpenAI's vision guide does not list it`);
  if (rule.method === "tile") return detail === "low" ? rule.baseTokens : rule.baseTokens + 8 * rule.tileTokens; // 768×2048 → 2×4 tiles
  let level: "low" | "high" | "original" = detail === "auto" ? rule.sizing.auto : detail;
  if (!rule.sizing[level]) level = "high";
  const sizing = rule.sizing[level] ?? rule.sizing.high;
  const side = Math.ceil(sizing.maxDimension / 32);
  const patches = sizing.patchBudget !== undefined ? Math.min(sizing.patchBudget, side * side) : side * side;
  return Math.ceil(Number((patches * rule.multiplier).toFixed(6)));
}

// ---------------------------------------------------------------------------------------------
// Image headers

/** An image's format and pixel size, read from its header. */
export interface ImageSize {
  width: number;
  height: number;
  format?: "png" | "jpeg" | "gif" | "webp";
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

function jpegSize(b: Uint8Array): ImageSize | undefined {
  let i = 2;
  while (i + 3 < b.length) {
    if (b[i] !== 0xff) return undefined;
    let marker = b[i + 1];
    while (marker === 0xff && i + 2 < b.length) marker = b[++i + 1]; // fill bytes
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any frame header
    if (i + 3 >= b.length) return undefined;
    const length = u16be(b, i + 2);
    // SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 8 >= b.length) return undefined;
      return { height: u16be(b, i + 5), width: u16be(b, i + 7), format: "jpeg" };
    }
    i += 2 + length;
  }
  return undefined;
}

/**
 * Width and height of a PNG, JPEG, GIF or WebP image from its first bytes (no decoding).
 * Returns undefined when the bytes are none of these formats or are cut before the size.
 */
export function imageSizeFromBytes(bytes: Uint8Array): ImageSize | undefined {
  const b = bytes;
  if (b.length >= 24 && b[0] === 0x89 && ascii(b, 1, 3) === "PNG" && ascii(b, 12, 4) === "IHDR") {
    return { width: u32be(b, 16), height: u32be(b, 20), format: "png" };
  }
  if (b.length >= 10 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) {
    return { width: u16le(b, 6), height: u16le(b, 8), format: "gif" };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegSize(b);
  if (b.length >= 30 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") {
    const chunk = ascii(b, 12, 4);
    if (chunk === "VP8 " && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, format: "webp" };
    if (chunk === "VP8L" && b[20] === 0x2f) {
      const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, format: "webp" };
    }
    if (chunk === "VP8X") return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, format: "webp" };
  }
  return undefined;
}

/** Is `url` a `data:` URL? */
export function isDataUrl(url: string): boolean {
  return /^data:/i.test(url);
}

function base64ToBytes(text: string): Uint8Array {
  // atob exists in browsers, workers and Node ≥ 16 — no Buffer needed.
  const binary = atob(text.replace(/[\s]/g, ""));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * The size of the image in a `data:` URL (`data:image/png;base64,…`), read from its header.
 * Only the start of the payload is decoded unless the header lies further in (JPEG with a large
 * EXIF block). Returns undefined for a data URL that is not a PNG, JPEG, GIF or WebP image.
 * @throws InputError when the URL is not a well-formed base64 data URL.
 */
export function imageSizeFromDataUrl(url: string): ImageSize | undefined {
  const comma = url.indexOf(",");
  if (!isDataUrl(url) || comma < 0) throw new InputError("not a data URL (expected data:image/...;base64,...)");
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  if (!/;base64$/i.test(meta)) {
    const text = decodeURIComponent(payload);
    return imageSizeFromBytes(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff));
  }
  try {
    const head = payload.slice(0, 65536);
    const size = imageSizeFromBytes(base64ToBytes(head.slice(0, head.length - (head.length % 4))));
    if (size || payload.length <= head.length) return size;
    return imageSizeFromBytes(base64ToBytes(payload));
  } catch (cause) {
    throw new InputError("the data URL's base64 payload is not valid base64", { cause });
  }
}
