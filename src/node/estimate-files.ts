/**
 * `tokcost estimate` as a library call: estimate files (or stdin) on one or more models.
 */
import { measureInputs, type InputSource, type MeasureOptions } from "./measure.js";
import { estimateFromTokens, resolveModel, type BillingOptions, type Estimate, type ResolvedModel } from "../estimate/index.js";
import { DEFAULT_COMPARISON_MODELS } from "../estimate/defaults.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import type { TokcostError } from "../errors.js";

/** An estimate of one input on one model. */
export interface FileEstimate extends Estimate {
  path: string;
}

/** An input that could not be estimated. */
export interface InputFailure {
  path: string;
  code: string;
  message: string;
  error: TokcostError;
}

/** Options for {@link estimateInputs}. */
export interface EstimateInputsOptions extends MeasureOptions {
  /** Models to estimate on (default: {@link DEFAULT_COMPARISON_MODELS} present in the table). */
  models?: readonly string[];
  maxTokens?: number | null;
  /** Billing options (tier, cached input, reasoning tokens). */
  billing?: BillingOptions;
  /** Count with this encoding (for models the table does not know). */
  encoding?: string;
  table?: PricingTable;
}

/** Resolves the models to estimate on (validating them all before any counting starts). */
export function resolveModels(models: readonly string[] | undefined, options: { table?: PricingTable; encoding?: string } = {}): ResolvedModel[] {
  const table = options.table ?? bundledPricingTable();
  const ids = models && models.length > 0 ? models : DEFAULT_COMPARISON_MODELS.filter((id) => table.match(id));
  return ids.map((id) => resolveModel(id, { table, encoding: options.encoding }));
}

/**
 * Estimates every input on every model. Inputs that cannot be read are returned in `failures`
 * and do not stop the others.
 * @throws UnknownModelError / UnknownEncodingError before counting anything.
 */
export async function estimateInputs(inputs: readonly InputSource[], options: EstimateInputsOptions = {}): Promise<{ estimates: FileEstimate[]; failures: InputFailure[] }> {
  const resolved = resolveModels(options.models, options);
  const encodings = [...new Set(resolved.map((r) => r.encoding))];
  const measured = await measureInputs(inputs, encodings, options);
  const estimates: FileEstimate[] = [];
  const failures: InputFailure[] = [];
  for (const input of measured) {
    if (input.error) {
      failures.push({ path: input.path, code: input.error.code, message: input.error.message, error: input.error });
      continue;
    }
    for (const model of resolved) {
      const estimate = estimateFromTokens(model, input.tokens[model.encoding], { maxTokens: options.maxTokens, warnings: input.warnings, billing: options.billing });
      estimates.push({ path: input.path, ...estimate });
    }
  }
  return { estimates, failures };
}
