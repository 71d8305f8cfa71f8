/**
 * Reading audio files for per-minute prices (whisper-1). The header parsing itself is pure and
 * lives in src/util/audio-duration.ts; this module only does the file I/O.
 */
import { readFile } from "node:fs/promises";
import { InputError } from "../errors.js";
import { audioDuration, type AudioDuration } from "../util/audio-duration.js";

export type { AudioDuration } from "../util/audio-duration.js";

/**
 * Duration of a WAV or MP3 file, read from its headers (no decoding).
 * @throws InputError when the file is missing, unreadable or not WAV/MP3.
 */
export async function readAudioDuration(path: string): Promise<AudioDuration> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${path}: no such file`, { code: "FILE_NOT_FOUND" });
    if (code === "EISDIR") throw new InputError(`${path}: is a directory, not an audio file`);
    throw new InputError(`${path}: cannot read (${code ?? String(cause)})`, { code: "FILE_UNREADABLE" });
  }
  return audioDuration(bytes, path);
}
