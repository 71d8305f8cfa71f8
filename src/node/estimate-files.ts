/**
 * `tokcost estimate` as a library call: estimate files (or stdin) on one or more models.
 */
import { measureInputs, type InputSource, type MeasureOptions } from "./measure.js";
import { estimateFromTokens, resolveModel, type BillingOptions, type Estimate, type ResolvedModel } from "../estimate/index.js";
import { DEFAULT_COMPARISON_MODELS } from "../estimate/defaults.js";
import { bundledPricingTable, type PricingTable } from "../pricing/table.js";
import { UnknownModelError, type TokcostError } from "../errors.js";

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

/** A model of a multi-model run that could not be estimated (not in the pricing table): one per input, in the input's rows. */
export interface ModelFailure {
  path: string;
  model: string;
  code: "UNKNOWN_MODEL";
  message: string;
  /** Close ids the table knows. */
  suggestions: string[];
  error: UnknownModelError;
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
  /** Count models the pricing table does not list (tokens only) instead of reporting them as unknown. */
  allowUnpriced?: boolean;
}

/** Resolves the models to estimate on (validating them all before any counting starts). */
export function resolveModels(models: readonly string[] | undefined, options: { table?: PricingTable; encoding?: string; allowUnpriced?: boolean } = {}): ResolvedModel[] {
  return resolveEach(models, options).map((r) => {
    if (r instanceof UnknownModelError) throw r;
    return r;
  });
}

/** Each model resolved, or the UnknownModelError that says why it cannot be (other errors throw). */
function resolveEach(models: readonly string[] | undefined, options: { table?: PricingTable; encoding?: string; allowUnpriced?: boolean }): (ResolvedModel | UnknownModelError)[] {
  const table = options.table ?? bundledPricingTable();
  const ids = models && models.length > 0 ? models : DEFAULT_COMPARISON_MODELS.filter((id) => table.match(id));
  return ids.map((id) => {
    try {
      return resolveModel(id, { table, encoding: options.encoding, allowUnpriced: options.allowUnpriced });
    } catch (error) {
      if (error instanceof UnknownModelError) return error;
      throw error;
    }
  });
}

/**
 * Estimates every input on every model. Inputs that cannot be read are returned in `failures`
 * and do not stop the others; a model the pricing table does not list is returned in
 * `modelFailures` (once per input) and does not stop the other models — with only one model
 * asked for, it throws.
 * @throws UnknownModelError (a single unknown model) / UnknownEncodingError before counting anything.
 */
export async function estimateInputs(inputs: readonly InputSource[], options: EstimateInputsOptions = {}): Promise<{ estimates: FileEstimate[]; failures: InputFailure[]; modelFailures: ModelFailure[] }> {
  const each = resolveEach(options.models, options);
  if (each.length === 1 && each[0] instanceof UnknownModelError) throw each[0];
  const resolved = each.filter((r): r is ResolvedModel => !(r instanceof UnknownModelError));
  const unknown = each.filter((r): r is UnknownModelError => r instanceof UnknownModelError);
  const encodings = [...new Set(resolved.map((r) => r.encoding))];
  const measured = await measureInputs(inputs, encodings, options);
  const estimates: FileEstimate[] = [];
  const failures: InputFailure[] = [];
  const modelFailures: ModelFailure[] = [];
  for (const input of measured) {
    if (input.error) {
      failures.push({ path: input.path, code: input.error.code, message: input.error.message, error: input.error });
      continue;
    }
    for (const model of resolved) {
      const estimate = estimateFromTokens(model, input.tokens[model.encoding], { maxTokens: options.maxTokens, warnings: input.warnings, billing: options.billing });
      estimates.push({ path: input.path, ...estimate });
    }
    for (const error of unknown) modelFailures.push({ path: input.path, model: error.model, code: "UNKNOWN_MODEL", message: error.message, suggestions: error.suggestions, error });
  }
  return { estimates, failures, modelFailures };
}
