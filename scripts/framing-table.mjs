/**
 * The framing table (src/request/framing.ts) as Markdown: feature × model family → measured (with
 * its source) or not. docs/accuracy.md and docs/requests.md carry it; a test checks they are current.
 * Usage: npm run build && node scripts/framing-table.mjs
 */
import { FEATURE_NAMES, FRAMING_RULES } from "../dist/src/index.js";

/** One column per family (its first id), one row per feature; ✓ measured, · counted by the nearest rule (exact: false). */
export function framingMarkdown() {
  const families = FRAMING_RULES.map((r) => r.models[0]);
  const lines = [`| feature | ${families.join(" | ")} | others |`, `| --- | ${families.map(() => ":---:").join(" | ")} | :---: |`];
  for (const [feature, name] of Object.entries(FEATURE_NAMES)) {
    lines.push(`| ${name} | ${FRAMING_RULES.map((r) => (r.measured[feature] ? "✓" : "·")).join(" | ")} | · |`);
  }
  return lines.join("\n");
}

/** Each family's constants and sources. */
export function framingSources() {
  return FRAMING_RULES.map(
    (r) =>
      `- **${r.models.join(", ")}** — ${r.tokensPerMessage}/message, ${r.tokensPerName}/name, ${r.replyPriming} reply priming${r.assistantMessage ? `, +${r.assistantMessage}/assistant reply` : ""}; definitions +${r.definitionsOverhead}, ${r.systemWithDefinitions} with a system message; forced call +${r.choice.functions.named} (functions) / +${r.choice.tools.named} (tools) + the name; ${r.definitions.nestedDescriptions ? "nested descriptions kept" : "nested descriptions dropped"}. Source: ${r.source}.`,
  ).join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${framingMarkdown()}\n\n${framingSources()}\n`);
