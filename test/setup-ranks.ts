/**
 * Many tests import library modules directly rather than through a package entry, so install
 * the portable rank provider here, exactly as the "tokcost" entry (src/index.ts) does.
 */
import "../src/tokenizer/ranks.js";
