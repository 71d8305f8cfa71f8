// One budget for a fleet: every process (on every machine) that names the same Redis key shares it.
// Reserve/settle/release are atomic Lua scripts; a crashed process's reservations expire.
//   npm run build
//   REDIS_URL=redis://127.0.0.1:6379 OPENAI_API_KEY=sk-... node examples/redis-budget.mjs   (OPENAI_BASE_URL=… for the local server)
import { createClient } from "../dist/src/node/index.js";
import { createRedisBudgetStore } from "../dist/src/redis/index.js";

if (!process.env.OPENAI_API_KEY || !process.env.REDIS_URL) {
  console.error("examples/redis-budget.mjs needs OPENAI_API_KEY and REDIS_URL (set OPENAI_BASE_URL too to use examples/local-openai-server.mjs).");
  process.exit(1);
}

const store = createRedisBudgetStore({ url: process.env.REDIS_URL, key: process.env.TOKCOST_BUDGET_KEY ?? "tokcost:example", reservationTtlMs: 10 * 60_000 });
// Two "workers" (in production: two processes or machines) with the same key share one daily budget.
const budget = { usd: 0.0004, period: "day" };
const workers = [createClient({ budget, store }), createClient({ budget, store })];

const results = await Promise.all(
  Array.from({ length: 8 }, (_, i) =>
    workers[i % 2].chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Task ${i}: say ok.` }], max_tokens: 100 }).then(
      (res) => `worker ${i % 2} call ${i}: ok, $${res.tokcost.record.actual.usd.toFixed(6)}`,
      (error) => `worker ${i % 2} call ${i}: refused [${error.code}]`,
    ),
  ),
);
for (const line of results) console.log(line);
const status = await workers[0].refresh(); // what the whole fleet spent today
console.log(`fleet: $${status.spent.usd.toFixed(6)} spent of $${budget.usd} today, ${status.calls} calls, $${status.reserved.usd.toFixed(6)} reserved`);
await store.close();
