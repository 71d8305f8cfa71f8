/**
 * The CI budget gate (`tokcost check`) as a library: configuration, file discovery, evaluation,
 * baselines, cache and reporters. Node-only (it reads the file system).
 */
export { gateConfigSchema, parseConfig, loadConfig, CONFIG_FILES, FILE_KINDS, type FileKind, type GateConfig, type GateConfigInput, type GateRule, type LoadedConfig } from "./config.js";
export { configJsonSchema, CONFIG_SCHEMA_URL } from "./json-schema.js";
export { compileGlob, compileGlobSet, findFiles, hasMagic, staticBase, FileWalker, SKIPPED_DIRS, type GlobSet, type GlobMatcher, type FoundFiles } from "./glob.js";
export { runCheck, defaultKind, fitViolation, type CheckOptions } from "./check.js";
export { readBaseline, writeBaseline, serializeBaseline, buildBaseline, compareWithBaseline, exceedsGrowth, type Baseline, type BaselineEntry } from "./baseline.js";
export { CountCache, CACHE_VERSION, DEFAULT_CACHE_FILE } from "./cache.js";
export { parseTokenCount, parseUsd, parseGrowth, describeGrowth, type Growth } from "./human.js";
export { estimateGateRequestFile, localImageSizesOfFile, parseJsonAt, lineOf, type RequestUnit, type GateRequestFileOptions } from "./requests.js";
export {
  renderCheckReport,
  renderTable as renderCheckTable,
  renderJson as renderCheckJson,
  renderMarkdown as renderCheckMarkdown,
  renderGithub,
  renderJunit,
  summaryLine,
  detailLines,
  escapeGithubData,
  escapeGithubProperty,
  escapeXml,
  CHECK_FORMATS,
  PASSING_ROWS_SHOWN,
  MARKDOWN_MAX_ROWS,
  type CheckFormat,
  type RenderOptions,
} from "./reporters.js";
export type { CheckReport, FileResult, RuleResult, Violation, Problem, BaselineSummary, BaselineComparison, GrowthEntry, LimitName } from "./report.js";
