// Pre-flight request bodies offline: nothing is sent, no key needed.
//   npm run build && node examples/preflight.mjs
import { preflight, isTokcostError } from "../dist/src/index.js";

const requests = {
  fits: {
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Name three prime numbers." },
    ],
    max_tokens: 50,
  },
  "typo in a parameter": { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], max_token: 50 },
  "reasoning model with max_tokens": { model: "o4-mini", messages: [{ role: "user", content: "Hi" }], max_tokens: 50 },
  "prompt + completion over the window": { model: "gpt-4", messages: [{ role: "user", content: "lorem ipsum ".repeat(3000) }], max_tokens: 4000 },
  "completion over the output cap": { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], max_tokens: 20480 },
  "over a $0.01 budget": { model: "gpt-4o", messages: [{ role: "user", content: "Write an essay." }], max_tokens: 16000 },
  embeddings: { model: "text-embedding-3-small", input: ["first document", "second document"] },
};

for (const [name, body] of Object.entries(requests)) {
  try {
    const e = preflight(body, { budget: { usd: 0.01 } });
    const usd = e.worstCase.usd === null ? "unpriced" : `$${e.worstCase.usd.toPrecision(2)}`;
    console.log(`ok      ${name}: ${e.kind}, ${e.promptTokens} prompt tokens${e.exact ? " (exact)" : ""}, worst case ${e.worstCase.tokens} tokens / ${usd}`);
  } catch (error) {
    if (!isTokcostError(error)) throw error;
    console.log(`refused ${name}: [${error.code}] ${error.message}`);
  }
}
