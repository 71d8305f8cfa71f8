// LangChain.js (ChatOpenAI from @langchain/openai) with every call pre-flighted, budgeted and metered.
//   npm run build
//   OPENAI_API_KEY=sk-... node examples/langchain.mjs          (or OPENAI_BASE_URL=… for examples/local-openai-server.mjs)
import { ChatOpenAI } from "@langchain/openai";
import { TokcostCallbackHandler } from "../dist/src/langchain/index.node.js";

if (!process.env.OPENAI_API_KEY) {
  console.error("examples/langchain.mjs needs OPENAI_API_KEY (set OPENAI_BASE_URL too to use examples/local-openai-server.mjs).");
  process.exit(1);
}

const tokcost = new TokcostCallbackHandler({
  budget: { usd: 0.002 },
  onRecord: (r) =>
    console.log(
      `  metered ${r.kind} ${r.model}: ${r.actual ? `prompt tokens: estimated ${r.estimate.promptTokens}, billed ${r.actual.promptTokens}; $${r.actual.usd?.toFixed(6)}` : "released (failed)"}`,
    ),
});
const config = { model: "gpt-4o-mini", maxRetries: 0, callbacks: [tokcost], configuration: { baseURL: process.env.OPENAI_BASE_URL || undefined } };

const reply = await new ChatOpenAI({ ...config, maxTokens: 50 }).invoke("Say hi.");
console.log(`invoke: ${reply.content}`);

// Over budget: the handler refuses in handleChatModelStart, before the request is sent.
// (LangChain prints one "Error in handler" line to stderr as it rethrows the handler's error.)
try {
  await new ChatOpenAI({ ...config, maxTokens: 16_000 }).invoke("Write a novel.");
} catch (error) {
  console.log(`refused: [${error.code}] ${error.message}`);
}
const status = tokcost.budget.status();
console.log(`budget: $${status.spent.usd.toFixed(6)} spent of $${status.limits.usd}, ${status.calls} calls`);
