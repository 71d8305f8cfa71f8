/** Node entry point's rank loading (placeholder: the core's pure-ESM parser is used). */
export function installFastRanks(): void {}
