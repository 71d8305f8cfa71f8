/**
 * Checks of the arguments JavaScript callers pass to the public functions (no compiler checks
 * them): a wrong type is an {@link InputError} naming the argument, never a TypeError from deep
 * inside ("Cannot read properties of null").
 */
import { InputError } from "../errors.js";

/** What a value is, for messages: "a number", "null", "an array". */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "undefined" ? "undefined" : `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

/**
 * An options argument: `undefined` is no options (`{}`); an object is itself.
 * @throws InputError for anything else (null, a string, a number, an array).
 */
export function optionsArg<T extends object>(value: T | undefined, where: string): T {
  if (value === undefined) return {} as T;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InputError(`${where}: options must be an object, got ${describeValue(value)}`);
  return value;
}

/** A model id argument. @throws InputError when it is not a string. */
export function modelIdArg(value: unknown, name = "model"): string {
  if (typeof value !== "string") throw new InputError(`${name} must be a model id string (e.g. "gpt-4o"), got ${describeValue(value)}`);
  return value;
}
