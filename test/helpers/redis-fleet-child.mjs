// One process of the Redis fleet test (test/redis-store.test.ts), run on dist/.
// mode "calls": CALLS concurrent chat calls through createClient with the Redis store; one JSON line per call.
// mode "hold": reserves HOLD worst cases, prints "held", then waits to be SIGKILLed.
import { createClient } from "../../dist/src/node/client.js";
import { Budget } from "../../dist/src/request/budget.js";
import { createRedisBudgetStore, toMicros } from "../../dist/src/redis/index.js";

const env = process.env;
const store = createRedisBudgetStore({ url: env.REDIS_URL, key: env.KEY, reservationTtlMs: Number(env.TTL_MS ?? 3_600_000) });
const limits = { usd: Number(env.LIMIT_USD) };

if (env.MODE === "hold") {
  const budget = new Budget(limits, { store });
  for (let i = 0; i < Number(env.HOLD); i++) await budget.reserve(`held-${process.pid}-${i}`, { usd: Number(env.AMOUNT_USD), tokens: 100 });
  process.stdout.write("held\n");
  setInterval(() => {}, 1000);
} else {
  const client = createClient({ apiKey: env.API_KEY, baseURL: env.BASE_URL, budget: limits, store, maxRetries: 0 });
  const calls = Array.from({ length: Number(env.CALLS) }, async (_, i) => {
    const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: `fleet ${process.pid} call ${i}` }], max_tokens: 100 };
    try {
      const res = await client.chat.completions.create(body);
      const actual = res.tokcost.record.actual;
      return { ok: true, id: res.tokcost.record.id, outcome: res.tokcost.record.outcome, micros: toMicros(actual.usd), tokens: actual.totalTokens };
    } catch (error) {
      return { ok: false, code: error.code ?? String(error) };
    }
  });
  for (const r of await Promise.all(calls)) process.stdout.write(`${JSON.stringify(r)}\n`);
  await store.close();
}
