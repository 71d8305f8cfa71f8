/**
 * The portable source of rank tables: js-tiktoken's rank data (the files OpenAI publishes,
 * re-packed as ES modules), so the library works in Node, browsers and edge workers alike.
 * Modules are imported statically (bundlers need to see them) and parsed only when an encoding
 * is first used. Importing this module installs it as the rank provider unless the Node entry
 * already installed its faster one (`src/node/ranks-loader.ts`).
 */
import gpt2 from "js-tiktoken/ranks/gpt2";
import r50k from "js-tiktoken/ranks/r50k_base";
import p50k from "js-tiktoken/ranks/p50k_base";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";
import { parseRankData } from "./rank-table.js";
import { setRankProvider, type RankSource } from "./registry.js";

/** The raw js-tiktoken rank module shape. */
export interface RankModule {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/** js-tiktoken's rank modules by source name. */
export const RANK_MODULES: Readonly<Record<RankSource, RankModule>> = {
  gpt2: gpt2 as RankModule,
  r50k_base: r50k as RankModule,
  p50k_base: p50k as RankModule,
  cl100k_base: cl100k as RankModule,
  o200k_base: o200k as RankModule,
};

setRankProvider((source) => parseRankData(RANK_MODULES[source].bpe_ranks), { ifUnset: true });
