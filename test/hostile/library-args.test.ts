/**
 * Issue 14 (low list): the public functions called from JavaScript with wrong types threw
 * TypeErrors from deep inside ("Cannot read properties of null (reading 'encoding')",
 * "model.trim is not a function"). Every call here must fail with a tokcost InputError naming
 * what is wrong — or succeed.
 */
import { describe, expect, it } from "vitest";
import * as tokcost from "../../src/index.js";
import { isTokcostError } from "../../src/errors.js";

const MESSAGES = [{ role: "user", content: "hi" }];
const BODY = { model: "gpt-4o", messages: MESSAGES };
const BAD_OPTIONS: unknown[] = [null, 5, "gpt-4o", [], { model: 5 }, { model: null }, { table: 5 }, { table: {} }];

/** [function, calls]: each call gets the wrong types. */
const CALLS: Array<[string, Array<() => unknown>]> = [
  ["countTokens", BAD_OPTIONS.map((o) => () => tokcost.countTokens("hi", o as never))],
  ["encode", BAD_OPTIONS.map((o) => () => tokcost.encode("hi", o as never))],
  ["decode", BAD_OPTIONS.map((o) => () => tokcost.decode([1], o as never))],
  ["encodingForModel", [5, null, undefined, {}, ["gpt-4o"]].map((m) => () => tokcost.encodingForModel(m as never))],
  [
    "estimate",
    [undefined, null, 5, "hi", {}, { prompt: "hi" }, { model: 5, prompt: "hi" }, { model: "gpt-4o", prompt: 5 }, { model: "gpt-4o", prompt: "hi", table: 5 }].map(
      (o) => () => tokcost.estimate(o as never),
    ),
  ],
  ["estimateRequest", BAD_OPTIONS.map((o) => () => tokcost.estimateRequest(BODY, o as never))],
  ["preflight", BAD_OPTIONS.map((o) => () => tokcost.preflight(BODY, o as never))],
  ["countChatTokens", [undefined, ...BAD_OPTIONS].map((o) => () => tokcost.countChatTokens(MESSAGES as never, o as never))],
  ["fitMessages", [undefined, ...BAD_OPTIONS].map((o) => () => tokcost.fitMessages(MESSAGES as never, o as never))],
  ["truncateText", [undefined, ...BAD_OPTIONS].map((o) => () => tokcost.truncateText("hi", o as never))],
  ["countImageTokens", [undefined, ...BAD_OPTIONS].map((o) => () => tokcost.countImageTokens(o as never))],
  ["guardFetch", [null, 5, "x", []].map((o) => () => tokcost.guardFetch(o as never))],
  ["createClient", [null, 5, "x", [], { apiKey: 5 }, { timeoutMs: "x" }].map((o) => () => tokcost.createClient(o as never))],
];

describe("public functions refuse wrong types with an InputError, never a TypeError", () => {
  for (const [name, calls] of CALLS) {
    it(name, () => {
      for (const [i, call] of calls.entries()) {
        let thrown: unknown;
        try {
          call();
        } catch (error) {
          thrown = error;
        }
        if (thrown === undefined) continue; // accepted (e.g. a wrong but ignorable option)
        expect(isTokcostError(thrown), `${name} call ${i}: ${String(thrown)}`).toBe(true);
        expect((thrown as Error).message).not.toMatch(/Cannot read properties|is not a function|is not iterable/);
      }
    });
  }

  it("the messages name the argument", () => {
    expect(() => tokcost.countTokens("hi", null as never)).toThrow(/countTokens: options must be an object, got null/);
    expect(() => tokcost.encodingForModel(5 as never)).toThrow(/model must be a model id string \(e\.g\. "gpt-4o"\), got a number/);
    expect(() => tokcost.estimateRequest(BODY, { table: 5 } as never)).toThrow(/table must be a pricing table/);
  });
});
