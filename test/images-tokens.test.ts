/** Image tokens (image-tokens.json worked examples) and image headers (PNG, JPEG, GIF, WebP). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { countImageTokens, imageSizeFromBytes, imageSizeFromDataUrl, maxImageTokens, patchLayout, tileLayout, countChatTokens, estimateRequest, InvalidRequestError } from "../src/index.js";
import { referencePath } from "./helpers/cli.js";

const ref = JSON.parse(readFileSync(referencePath("image-tokens.json"), "utf8")) as {
  image_token_examples: Array<{
    model: string;
    width: number;
    height: number;
    detail?: "low" | "high";
    tokens?: number;
    patches?: number;
    image_tokens_before_multiplier?: number;
    resized?: [number, number];
  }>;
};

import { gif, jpeg, png, webpVp8, webpVp8l, webpVp8x } from "./fixtures/requests/image-bytes.js";

const dataUrl = (mime: string, bytes: Uint8Array) => `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;

describe("countImageTokens reproduces the vision guide's worked examples", () => {
  const withTokens = ref.image_token_examples.filter((e) => e.tokens !== undefined);
  it.each(withTokens.map((e) => [e.model, e.width, e.height, e.detail, e.tokens!] as const))("%s %i×%i %s → %i", (model, width, height, detail, tokens) => {
    expect(countImageTokens({ model, width, height, detail }).tokens).toBe(tokens);
  });

  it("1024×1024 high on gpt-4o is 4 tiles at 768×768 = 765", () => {
    expect(countImageTokens({ model: "gpt-4o", width: 1024, height: 1024, detail: "high" })).toMatchObject({
      tokens: 765,
      exact: true,
      method: "tile",
      units: 4,
      scaledTo: { width: 768, height: 768 },
    });
  });

  it("the gpt-5.4 2048×2048 example resizes to 1600×1600 = 2,500 patches", () => {
    const example = ref.image_token_examples.find((e) => e.model === "gpt-5.4" && e.width === 2048)!;
    const count = countImageTokens({ model: "gpt-5.4", width: 2048, height: 2048, detail: "high" });
    expect(count.units).toBe(example.patches);
    expect([count.scaledTo.width, count.scaledTo.height]).toEqual(example.resized);
    expect(count.exact).toBe(false); // the guide allows a one-token difference for patch models
  });

  const beforeMultiplier = ref.image_token_examples.filter((e) => e.image_tokens_before_multiplier !== undefined);
  it.each(beforeMultiplier.map((e) => [e.width, e.height, e.image_tokens_before_multiplier!] as const))("patch method (1,536-patch cap) %i×%i → %i patches", (width, height, patches) => {
    expect(patchLayout(width, height, { maxDimension: 1_000_000, patchBudget: 1536 }).patches).toBe(patches);
  });

  it("patch models multiply and round up (o4-mini 1.72, gpt-4.1-nano 2.46)", () => {
    expect(countImageTokens({ model: "o4-mini", width: 1024, height: 1024 }).tokens).toBe(Math.ceil(1024 * 1.72));
    expect(countImageTokens({ model: "gpt-4.1-nano", width: 1800, height: 2400 }).tokens).toBe(Math.ceil(1452 * 2.46));
  });

  it("detail levels of the latest patch models (fit, budget, multiplier, round up)", () => {
    // gpt-5.5 low: fit within 512×512 → 16×16 patches × 1.2
    expect(countImageTokens({ model: "gpt-5.5", width: 1024, height: 1024, detail: "low" }).tokens).toBe(Math.ceil(256 * 1.2));
    // gpt-5.5 auto = original: up to 10,000 patches, 6000 px → 2048×2048 stays 64×64
    expect(countImageTokens({ model: "gpt-5.5", width: 2048, height: 2048 }).units).toBe(4096);
    // gpt-5.4 auto = high: the guide's 2,500-patch example
    expect(countImageTokens({ model: "gpt-5.4", width: 2048, height: 2048 }).tokens).toBe(3000);
    // gpt-4.1-mini: 6,144-patch budget in the latest revision
    expect(countImageTokens({ model: "gpt-4.1-mini", width: 2048, height: 2048 }).tokens).toBe(Math.ceil(4096 * 1.62));
    // a tile model has no "original" level: counted as high, with a warning
    const original = countImageTokens({ model: "gpt-4o", width: 1024, height: 1024, detail: "original" });
    expect(original.tokens).toBe(765);
    expect(original.warnings.join(" ")).toMatch(/no "original" detail/);
  });

  it("low detail is the base tokens on tile models", () => {
    expect(countImageTokens({ model: "gpt-4o-mini", width: 4000, height: 3000, detail: "low" }).tokens).toBe(2833);
    expect(countImageTokens({ model: "o1", width: 4000, height: 3000, detail: "low" }).tokens).toBe(75);
    expect(countImageTokens({ model: "gpt-5", width: 4000, height: 3000, detail: "low" }).tokens).toBe(70);
  });

  it("never enlarges small images", () => {
    expect(tileLayout(300, 200)).toEqual({ width: 300, height: 200, tiles: 1 });
    expect(countImageTokens({ model: "gpt-4o", width: 300, height: 200, detail: "high" }).tokens).toBe(85 + 170);
  });

  it("worst case for an image of unknown size", () => {
    expect(maxImageTokens("gpt-4o", "high")).toBe(85 + 8 * 170);
    expect(maxImageTokens("gpt-4o", "low")).toBe(85);
    expect(maxImageTokens("gpt-5.4", "high")).toBe(3000);
  });

  it("rejects a non-positive size", () => {
    expect(() => countImageTokens({ model: "gpt-4o", width: 0, height: 10 })).toThrow(/positive whole numbers/);
  });
});

describe("image headers", () => {
  it.each([
    ["png", png(1024, 768)],
    ["gif", gif(1024, 768)],
    ["jpeg", jpeg(1024, 768)],
    ["webp", webpVp8x(1024, 768)],
    ["webp", webpVp8l(1024, 768)],
    ["webp", webpVp8(1024, 768)],
  ] as const)("%s", (format, bytes) => {
    expect(imageSizeFromBytes(bytes)).toEqual({ width: 1024, height: 768, format });
  });

  it("returns undefined for other bytes and cut headers", () => {
    expect(imageSizeFromBytes(new TextEncoder().encode("hello world, not an image at all"))).toBeUndefined();
    expect(imageSizeFromBytes(png(10, 10).subarray(0, 20))).toBeUndefined();
  });

  it("reads data URLs, including a JPEG whose frame header lies past the first 64 KiB", () => {
    expect(imageSizeFromDataUrl(dataUrl("image/png", png(640, 480)))).toEqual({ width: 640, height: 480, format: "png" });
    expect(imageSizeFromDataUrl(dataUrl("image/jpeg", jpeg(1920, 1080, 120_000)))).toEqual({ width: 1920, height: 1080, format: "jpeg" });
  });

  it("counts a data-URL image in a chat message exactly", () => {
    const url = dataUrl("image/png", png(1024, 1024));
    const result = countChatTokens(
      [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url, detail: "high" } },
          ],
        },
      ],
      { model: "gpt-4o" },
    );
    expect(result.images).toBe(765);
    expect(result.exact).toBe(true);
    const text = countChatTokens([{ role: "user", content: "What is this?" }], { model: "gpt-4o" });
    expect(result.total).toBe(text.total + 765);
  });

  it("a remote image is inexact at its worst case unless its size is given", () => {
    const body = { model: "gpt-4o", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }] }] };
    const unknown = estimateRequest(body);
    expect(unknown.exact).toBe(false);
    expect(unknown.breakdown.images).toBe(85 + 8 * 170);
    expect(unknown.warnings.join(" ")).toMatch(/--image-size/);
    const known = estimateRequest(body, { imageSize: { width: 1024, height: 1024 } });
    expect(known.breakdown.images).toBe(765);
    expect(known.exact).toBe(true);
  });

  it("rejects a data URL that is not an image", () => {
    const body = { model: "gpt-4o", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:text/plain;base64,aGVsbG8gd29ybGQ=" } }] }] };
    expect(() => estimateRequest(body)).toThrow(InvalidRequestError);
    expect(() => estimateRequest(body)).toThrow(/messages\[0\]\.content\[0\]\.image_url\.url/);
  });
});

describe("countImageTokens arguments", () => {
  it("an unknown detail level is an error, not counted as auto", () => {
    expect(() => countImageTokens({ model: "gpt-4o", width: 1024, height: 1024, detail: "ultra" as never })).toThrow('image detail must be one of auto, low, high, original, got "ultra"');
    expect(countImageTokens({ model: "gpt-4o", width: 1024, height: 1024, detail: "high" }).tokens).toBe(765);
  });
});
