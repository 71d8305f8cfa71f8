/**
 * Multipart bodies (image edits and variations, transcriptions, translations): measuring a
 * FormData the SDK sends, reading Blob/File fields into bytes so their headers can be read
 * (image size, audio duration), and building the FormData createClient sends. Portable: uses
 * only the web platform's FormData, Blob and File.
 */

/** A file as tokcost measures it: its name, type and bytes (so headers can be read synchronously). */
export interface MeasuredFile {
  name: string;
  type: string;
  size: number;
  bytes: Uint8Array;
}

/** Fields the API takes as numbers or booleans; multipart sends every field as text. */
const NUMERIC = new Set(["n", "temperature", "output_compression", "partial_images", "speed"]);
const BOOLEAN = new Set(["stream"]);
/** Files larger than this are measured by size only (their headers are at the start). */
const HEAD_BYTES = 1 << 20;

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

/** Reads a Blob (or File) into a {@link MeasuredFile}: its first MiB, enough for every header tokcost reads (MP3 frame scans read what they get). */
export async function measureBlob(blob: Blob, fallbackName = "file"): Promise<MeasuredFile> {
  const name = typeof (blob as { name?: unknown }).name === "string" ? (blob as File).name : fallbackName;
  const bytes = new Uint8Array(await (blob.size > 64 * HEAD_BYTES ? blob.slice(0, HEAD_BYTES) : blob).arrayBuffer());
  return { name, type: blob.type, size: blob.size, bytes };
}

function textField(key: string, value: string): unknown {
  if (NUMERIC.has(key) && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  if (BOOLEAN.has(key) && (value === "true" || value === "false")) return value === "true";
  return value;
}

/**
 * A FormData as a request body object: text fields as values (numbers and booleans as the API
 * reads them), files as {@link MeasuredFile}s, `key[]` fields (and repeated keys) as arrays.
 */
export async function measureFormData(form: FormData): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  const entries: Array<[string, FormDataEntryValue]> = [];
  form.forEach((value, key) => entries.push([key, value]));
  for (const [rawKey, value] of entries) {
    const array = rawKey.endsWith("[]");
    const key = array ? rawKey.slice(0, -2) : rawKey;
    const item = isBlob(value) ? await measureBlob(value, key) : textField(key, value);
    if (array || key in body) {
      const existing = body[key];
      body[key] = existing === undefined ? [item] : Array.isArray(existing) && (array || Array.isArray(existing)) ? [...existing, item] : [existing, item];
    } else body[key] = item;
  }
  return body;
}

/** A body's Blob fields (top level, or in arrays) read into {@link MeasuredFile}s, for pre-flight. */
export async function measureFileFields(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (isBlob(value)) out[key] = await measureBlob(value, key);
    else if (Array.isArray(value) && value.some(isBlob)) out[key] = await Promise.all(value.map((v) => (isBlob(v) ? measureBlob(v, key) : v)));
    else out[key] = value;
  }
  return out;
}

function toBlob(value: unknown, key: string): Blob | undefined {
  if (isBlob(value)) return value;
  if (value instanceof Uint8Array) return new File([value as BlobPart], key);
  if (value instanceof ArrayBuffer) return new File([value], key);
  if (typeof value === "object" && value !== null && (value as { bytes?: unknown }).bytes instanceof Uint8Array) {
    const f = value as { name?: string; type?: string; bytes: Uint8Array };
    return new File([f.bytes as BlobPart], f.name ?? key, { type: f.type ?? "" });
  }
  return undefined;
}

/** The FormData createClient sends for a multipart endpoint: files as Blobs, arrays as `key[]`, objects as JSON. */
export function toFormData(body: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    const blob = toBlob(value, key);
    if (blob) form.append(key, blob, (blob as File).name ?? key);
    else if (Array.isArray(value))
      for (const v of value) {
        const b = toBlob(v, key);
        if (b) form.append(`${key}[]`, b, (b as File).name ?? key);
        else form.append(`${key}[]`, typeof v === "object" ? JSON.stringify(v) : String(v));
      }
    else form.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return form;
}
