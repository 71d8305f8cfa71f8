// Peer tokenizers, each wrapped as count(text) for one encoding. Special-token text is treated
// as ordinary text by all of them (as tokcost does by default).
import { Tiktoken as JsTiktoken } from "js-tiktoken/lite";
import { get_encoding } from "tiktoken";

const jsRanks = {
  cl100k_base: () => import("js-tiktoken/ranks/cl100k_base"),
  o200k_base: () => import("js-tiktoken/ranks/o200k_base"),
};

export async function loadPeers(encoding) {
  const js = new JsTiktoken((await jsRanks[encoding]()).default);
  const gpt = await import(`gpt-tokenizer/encoding/${encoding}`);
  const wasm = get_encoding(encoding);
  const none = new Set();
  return {
    "js-tiktoken": (t) => js.encode(t, [], []).length,
    "gpt-tokenizer": (t) => gpt.countTokens(t, { disallowedSpecial: none }),
    "tiktoken (WASM)": (t) => wasm.encode(t, [], []).length,
  };
}
