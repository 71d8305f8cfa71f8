/**
 * The CI budget gate (`tokcost check`) as a library: configuration, file discovery, evaluation,
 * baselines, cache and reporters. Node-only (it reads the file system). Exported from
 * `tokcost/node`; escaping helpers, report limits and the request-file internals stay internal.
 */
export { gateConfigSchema, parseConfig, loadConfig, CONFIG_FILES, FILE_KINDS, type FileKind, type GateConfig, type GateConfigInput, type GateRule, type LoadedConfig } from "./config.js";
export { configJsonSchema, CONFIG_SCHEMA_URL } from "./json-schema.js";
export { compileGlob, compileGlobSet, findFiles, hasMagic, staticBase, type GlobSet, type GlobMatcher, type FoundFiles } from "./glob.js";
export { runCheck, defaultKind, type CheckOptions } from "./check.js";
export { readBaseline, writeBaseline, serializeBaseline, buildBaseline, compareWithBaseline, exceedsGrowth, type Baseline, type BaselineEntry } from "./baseline.js";
export { CountCache, DEFAULT_CACHE_FILE } from "./cache.js";
export { parseTokenCount, parseUsd, parseGrowth, describeGrowth, type Growth } from "./human.js";
export {
  renderCheckReport,
  renderTable as renderCheckTable,
  renderJson as renderCheckJson,
  renderMarkdown as renderCheckMarkdown,
  renderGithub,
  renderJunit,
  CHECK_FORMATS,
  type CheckFormat,
  type RenderOptions,
} from "./reporters.js";
export type { CheckReport, FileResult, RuleResult, Violation, Problem, BaselineSummary, BaselineComparison, GrowthEntry, LimitName } from "./report.js";
