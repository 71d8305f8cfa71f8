/**
 * Where an encoding's mergeable ranks come from. The rank data is js-tiktoken's (the same files
 * OpenAI publishes, re-packed as ES modules), so it works in Node, browsers and edge workers
 * alike. Modules are imported statically (bundlers need to see them) but parsed only when an
 * encoding is first used.
 */
import gpt2 from "js-tiktoken/ranks/gpt2";
import r50k from "js-tiktoken/ranks/r50k_base";
import p50k from "js-tiktoken/ranks/p50k_base";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";

/** The raw js-tiktoken rank module shape. */
export interface RankModule {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/** Rank tables by source name (p50k_edit and o200k_harmony share p50k_base's and o200k_base's). */
export const RANK_MODULES: Readonly<Record<"gpt2" | "r50k_base" | "p50k_base" | "cl100k_base" | "o200k_base", RankModule>> = {
  gpt2: gpt2 as RankModule,
  r50k_base: r50k as RankModule,
  p50k_base: p50k as RankModule,
  cl100k_base: cl100k as RankModule,
  o200k_base: o200k as RankModule,
};
