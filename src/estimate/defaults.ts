/**
 * Models compared when the user names none: current, widely used OpenAI models across price
 * points. Only those present in the active pricing table are shown.
 */
export const DEFAULT_COMPARISON_MODELS: readonly string[] = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1", "o4-mini", "gpt-5-mini", "gpt-5"];
