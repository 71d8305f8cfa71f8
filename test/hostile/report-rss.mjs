// Preloaded into a CLI child by runCliMeasured (test/hostile/helpers.ts): writes the process's
// peak resident set size (KiB, from getrusage) to the file named by TOKCOST_TEST_RSS_FILE.
import { writeFileSync } from "node:fs";

process.on("exit", () => writeFileSync(process.env.TOKCOST_TEST_RSS_FILE, String(process.resourceUsage().maxRSS)));
