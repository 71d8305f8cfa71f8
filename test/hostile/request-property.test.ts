/**
 * Issue 14: a property test over random request bodies, valid and mutated. validateRequest
 * throws nothing but TokcostErrors; estimateRequest never returns NaN, a negative number, or
 * `exact: true` for a body with an UNKNOWN_FIELD notice.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTokcostError } from "../../src/errors.js";
import { estimateRequest } from "../../src/request/estimate-request.js";
import { validateRequest } from "../../src/request/validate.js";

const models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "o3-mini", "gpt-5", "text-embedding-3-small", "gpt-3.5-turbo-instruct", "no-such-model", "constructor", "__proto__"];
const anyJson = fc.jsonValue({ maxDepth: 3 });
const content = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.array(fc.record({ type: fc.constantFrom("text", "image_url", "input_text", "bogus"), text: fc.string({ maxLength: 20 }) }, { requiredKeys: ["type"] }), { maxLength: 3 }),
  anyJson,
);
const message = fc.record({ role: fc.constantFrom("system", "user", "assistant", "tool", "developer", "nobody"), content, name: fc.string({ maxLength: 8 }) }, { requiredKeys: ["role"] });
const chat = fc.record(
  {
    model: fc.constantFrom(...models),
    messages: fc.array(message, { maxLength: 4 }),
    max_tokens: fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double(), fc.constant(null)),
    n: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constant(1.5)),
    stream: fc.boolean(),
    tools: fc.array(fc.record({ type: fc.constant("function"), function: fc.record({ name: fc.string({ maxLength: 10 }), parameters: anyJson }) }), { maxLength: 2 }),
  },
  { requiredKeys: ["model", "messages"] },
);
const responses = fc.record(
  { model: fc.constantFrom(...models), input: fc.oneof(fc.string({ maxLength: 40 }), fc.array(message, { maxLength: 3 })), max_output_tokens: fc.integer({ min: -1, max: 3000 }) },
  { requiredKeys: ["model", "input"] },
);
const embeddings = fc.record({
  model: fc.constantFrom(...models),
  input: fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.array(fc.integer(), { maxLength: 3 })),
});
/** A valid-looking body with one random field added, replaced or removed. */
const mutated = fc.tuple(fc.oneof(chat, responses, embeddings), fc.string({ maxLength: 12 }), anyJson, fc.boolean()).map(([body, key, value, remove]) => {
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  if (remove) delete copy[Object.keys(copy)[0]];
  else Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
});
const bodies = fc.oneof(chat, responses, embeddings, mutated, anyJson);
const kinds = fc.constantFrom(undefined, "chat", "responses", "embeddings", "completions") as fc.Arbitrary<"chat" | "responses" | "embeddings" | "completions" | undefined>;

function numbersOf(value: unknown, path = "", out: Array<[string, number]> = []): Array<[string, number]> {
  if (typeof value === "number") out.push([path, value]);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) numbersOf(v, `${path}.${k}`, out);
  return out;
}

describe("request bodies, valid and mutated", () => {
  it("validateRequest throws only TokcostErrors", () => {
    fc.assert(
      fc.property(bodies, kinds, (body, kind) => {
        try {
          validateRequest(body, kind ? { kind } : {});
        } catch (error) {
          if (!isTokcostError(error)) throw error;
        }
      }),
      { numRuns: 400 },
    );
  });

  it("estimateRequest never returns NaN or negatives, nor exact with an UNKNOWN_FIELD notice", () => {
    fc.assert(
      fc.property(bodies, kinds, (body, kind) => {
        let estimate;
        try {
          estimate = estimateRequest(body, kind ? { kind } : {});
        } catch (error) {
          if (!isTokcostError(error)) throw error;
          return;
        }
        for (const [path, n] of numbersOf(estimate)) {
          expect(Number.isNaN(n), path).toBe(false);
          if (!/^\.(room|difference)/.test(path)) expect(n, path).toBeGreaterThanOrEqual(0);
        }
        let unknown = false;
        try {
          unknown = validateRequest(body, kind ? { kind } : {}).notices.some((n) => n.code === "UNKNOWN_FIELD");
        } catch {
          unknown = false;
        }
        if (unknown) expect(estimate.exact).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
