// The official openai SDK with every call pre-flighted and metered.
//   npm run build
//   OPENAI_API_KEY=sk-... node examples/guard-fetch.mjs          (or OPENAI_BASE_URL=… for the local fake server)
import OpenAI from "openai";
import { guardFetch } from "../dist/src/index.js";

if (!process.env.OPENAI_API_KEY) {
  console.error("examples/guard-fetch.mjs needs OPENAI_API_KEY (set OPENAI_BASE_URL too to use examples/local-openai-server.mjs).");
  process.exit(1);
}

const guarded = guardFetch({
  budget: { usd: 0.02 },
  onUsage: (r) => console.log(`  metered ${r.kind} ${r.model}: ${r.actual ? `${r.actual.totalTokens} tokens, $${r.actual.usd?.toFixed(6)}` : "released (failed)"}`),
});
const openai = new OpenAI({ fetch: guarded });

const ok = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hi." }], max_tokens: 10 });
console.log(ok.choices[0].message.content);

try {
  // Refused before it leaves the process: a typo the API would reject.
  await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], max_token: 10 });
} catch (error) {
  console.log(`refused: ${error.constructor.name} ${error.status} ${error.code}: ${error.message}`);
}
try {
  // Refused: its worst case (16,000 output tokens on gpt-4o, about $0.16) does not fit the $0.02 budget.
  await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Write a long essay." }], max_tokens: 16000 });
} catch (error) {
  console.log(`refused: ${error.constructor.name} ${error.status} ${error.code}: ${error.message}`);
}
console.log("spent:", guarded.spent(), "remaining:", guarded.remaining());
