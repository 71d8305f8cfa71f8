// The Vercel AI SDK (ai 6) with every call pre-flighted, budgeted and metered by tokcost.
//   npm run build
//   OPENAI_API_KEY=sk-... node examples/ai-sdk.mjs          (or OPENAI_BASE_URL=… for examples/local-openai-server.mjs)
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, streamText, wrapLanguageModel } from "ai";
import { tokcostMiddleware } from "../dist/src/ai-sdk/index.node.js";

if (!process.env.OPENAI_API_KEY) {
  console.error("examples/ai-sdk.mjs needs OPENAI_API_KEY (set OPENAI_BASE_URL too to use examples/local-openai-server.mjs).");
  process.exit(1);
}

const openai = createOpenAI({ baseURL: process.env.OPENAI_BASE_URL || undefined });
const middleware = tokcostMiddleware({
  budget: { usd: 0.002 },
  maxTokens: 200, // calls that set no maxOutputTokens reserve this, not the model's whole room
  onRecord: (r) =>
    console.log(
      `  metered ${r.kind} ${r.model}: ${r.actual ? `prompt tokens: estimated ${r.estimate.promptTokens}, billed ${r.actual.promptTokens}; $${r.actual.usd?.toFixed(6)}` : "released (failed)"}`,
    ),
});
const model = wrapLanguageModel({ model: openai.chat("gpt-4o-mini"), middleware });

const { text } = await generateText({ model, system: "Be brief.", prompt: "Say hi." });
console.log(`generateText: ${text}`);

const stream = streamText({ model, prompt: "Count to three.", maxOutputTokens: 20 });
let streamed = "";
for await (const delta of stream.textStream) streamed += delta;
console.log(`streamText: ${streamed} (${(await stream.usage).outputTokens} completion tokens)`);

// Over budget: refused before anything is sent, with a TokcostError.
try {
  await generateText({ model, prompt: "Write a novel.", maxOutputTokens: 16_000, maxRetries: 0 });
} catch (error) {
  console.log(`refused: [${error.code}] ${error.message}`);
}
const status = middleware.budget.status();
console.log(`budget: $${status.spent.usd.toFixed(6)} spent of $${status.limits.usd}, ${status.calls} calls`);
