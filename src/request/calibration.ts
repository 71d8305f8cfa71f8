/**
 * Calibrations: framing constants measured for one model against a vendor's token-counting
 * endpoint (`tokcost calibrate`), so a model nobody has published measurements for counts exactly
 * without a tokcost release. A calibration replaces its family's constants and marks the features
 * it probed as measured, with source `calibrated`.
 */
import { z } from "zod";
import { isInFamily } from "./family.js";
import { FEATURE_NAMES, type FramingFeature, type FramingRule } from "./framing.js";

const constant = z.number().int().min(-1000).max(1000);

/** The calibration file's schema (version 1). */
export const calibrationSchema = z.strictObject({
  version: z.literal(1),
  /** The model (or family prefix) the constants were measured for. */
  model: z.string().min(1),
  /** The count endpoint that answered (URL without credentials). */
  endpoint: z.string().min(1),
  /** When it was measured (YYYY-MM-DD). */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a YYYY-MM-DD date"),
  constants: z.strictObject({
    tokensPerMessage: constant.optional(),
    tokensPerName: constant.optional(),
    replyPriming: constant.optional(),
    assistantMessage: constant.optional(),
    definitionsOverhead: constant.optional(),
    systemWithDefinitions: constant.optional(),
    functionMessage: constant.optional(),
    functionCall: constant.optional(),
    toolChoiceNone: constant.optional(),
    toolChoiceRequired: constant.optional(),
    toolChoiceNamed: constant.optional(),
  }),
  /** The features the probes confirmed (names of framing.ts features). */
  features: z.array(z.enum(Object.keys(FEATURE_NAMES) as [FramingFeature, ...FramingFeature[]])),
});

/** A calibration file's content. */
export type Calibration = z.infer<typeof calibrationSchema>;

/** Does `calibration` apply to `model`? (its model id, or a family prefix of it) */
export function calibrationApplies(calibration: Calibration, model: string): boolean {
  return isInFamily(model, calibration.model);
}

/** The family rule with the calibration's constants, and its probed features marked measured. */
export function applyCalibration(rule: FramingRule, calibration: Calibration): FramingRule {
  const c = calibration.constants;
  const source = `calibrated ${calibration.date} against ${calibration.endpoint}`;
  const measured = { ...rule.measured };
  for (const feature of calibration.features) measured[feature] = source;
  const tools = rule.choice.tools;
  return {
    ...rule,
    tokensPerMessage: c.tokensPerMessage ?? rule.tokensPerMessage,
    tokensPerName: c.tokensPerName ?? rule.tokensPerName,
    replyPriming: c.replyPriming ?? rule.replyPriming,
    assistantMessage: c.assistantMessage ?? rule.assistantMessage,
    definitionsOverhead: c.definitionsOverhead ?? rule.definitionsOverhead,
    systemWithDefinitions: c.systemWithDefinitions ?? rule.systemWithDefinitions,
    functionMessage: c.functionMessage ?? rule.functionMessage,
    functionCall: c.functionCall ?? rule.functionCall,
    choice: { ...rule.choice, tools: { none: c.toolChoiceNone ?? tools.none, auto: tools.auto, required: c.toolChoiceRequired ?? tools.required, named: c.toolChoiceNamed ?? tools.named } },
    measured,
    source,
  };
}
