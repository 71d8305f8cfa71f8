// The request helper against the real API (or any OpenAI-compatible server).
//   npm run build
//   OPENAI_API_KEY=sk-... node examples/client.mjs
// Without a key, try it against the local fake server:
//   node examples/local-openai-server.mjs &   # prints its URL
//   OPENAI_API_KEY=sk-local OPENAI_BASE_URL=http://127.0.0.1:8787/v1 node examples/client.mjs
import { createClient } from "../dist/src/node/index.js";

if (!process.env.OPENAI_API_KEY) {
  console.error(
    "examples/client.mjs sends real requests and needs an API key: set OPENAI_API_KEY (and OPENAI_BASE_URL for a proxy or the local fake server, see the comment at the top of this file).",
  );
  process.exit(1);
}

const client = createClient({
  budget: { usd: 0.05, period: "day" }, // at most 5 cents a day…
  ledger: process.env.TOKCOST_LEDGER ?? "tokcost-example-spend.json", // …across runs of this script
  maxRetries: 2,
  timeoutMs: 30_000,
});

try {
  const res = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "In one sentence: why count tokens before sending a request?" }],
    max_tokens: 60,
  });
  console.log(res.choices[0].message.content);
  const { estimate, record } = res.tokcost;
  console.log(`prompt tokens: estimated ${estimate.promptTokens}, billed ${record.actual.promptTokens}`);
  console.log(`cost: reserved $${record.reserved.usd.toFixed(6)}, actual $${record.actual.usd.toFixed(6)}`);

  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Count to five." }], max_tokens: 30, stream: true });
  for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
  const report = await stream.done;
  console.log(`\nstream: ${report.usage?.completionTokens} completion tokens, $${report.record.actual.usd.toFixed(6)}`);
} catch (error) {
  console.error(`[${error.code ?? "ERROR"}] ${error.message}`); // never contains the key
  process.exitCode = 1;
}
console.log("spent today:", client.spent(), "remaining:", client.remaining());
