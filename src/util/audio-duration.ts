/**
 * Audio duration from file headers (WAV and MP3), for per-minute transcription prices. Pure:
 * takes bytes, no file system, so it runs in browsers too (src/node/media.ts reads the file).
 *
 * WAV: RIFF `fmt ` chunk's byte rate and the `data` chunk's size.
 * MP3: a Xing/Info or VBRI header's frame count when present (VBR files), else every frame
 * header is walked and its samples summed (exact for CBR and for VBR without a header).
 */
import { InputError } from "../errors.js";

/** The duration of an audio file and how it was found. */
export interface AudioDuration {
  seconds: number;
  format: "wav" | "mp3";
  /** Where the number comes from ("RIFF data chunk", "Xing frame count", "frame scan"). */
  method: string;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let out = "";
  for (let i = 0; i < length && offset + i < bytes.length; i++) out += String.fromCharCode(bytes[offset + i]);
  return out;
}

function u32le(bytes: Uint8Array, o: number): number {
  return (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
}

function u32be(bytes: Uint8Array, o: number): number {
  return ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0;
}

/** Duration of a RIFF/WAVE file. @throws InputError when the header is missing or broken. */
export function wavDuration(bytes: Uint8Array, name = "audio"): AudioDuration {
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 4) !== "WAVE") throw new InputError(`${name}: not a WAV file (no RIFF/WAVE header)`);
  let byteRate: number | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    let size = u32le(bytes, offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > bytes.length) break;
      byteRate = u32le(bytes, body + 8);
    } else if (id === "data") {
      if (!byteRate) throw new InputError(`${name}: WAV data chunk comes before its fmt chunk`);
      // Streamed WAVs write 0 or 0xFFFFFFFF as the size; the data then runs to the end of the file.
      if (size === 0 || size === 0xffffffff || body + size > bytes.length) size = Math.max(0, bytes.length - body);
      return { seconds: size / byteRate, format: "wav", method: "RIFF data chunk" };
    }
    offset = body + size + (size & 1); // chunks are word-aligned
  }
  throw new InputError(`${name}: WAV file has no ${byteRate ? "data" : "fmt"} chunk`);
}

const BITRATES: Record<string, number[]> = {
  // kbps by index 1..14, per (MPEG version group, layer)
  "1-1": [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "2-3": [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 25: [11025, 12000, 8000] };

interface FrameHeader {
  version: 1 | 2 | 25;
  layer: 1 | 2 | 3;
  sampleRate: number;
  samples: number;
  length: number;
  mono: boolean;
}

/** Parses the 4-byte MPEG audio frame header at `o`, or undefined when there is none. */
function frameAt(bytes: Uint8Array, o: number): FrameHeader | undefined {
  if (o + 4 > bytes.length || bytes[o] !== 0xff || (bytes[o + 1] & 0xe0) !== 0xe0) return undefined;
  const versionBits = (bytes[o + 1] >> 3) & 3;
  const layerBits = (bytes[o + 1] >> 1) & 3;
  const bitrateIndex = bytes[o + 2] >> 4;
  const rateIndex = (bytes[o + 2] >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 25;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const kbps = BITRATES[`${version === 1 ? 1 : 2}-${layer}`][bitrateIndex - 1];
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (bytes[o + 2] >> 1) & 1;
  const samples = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  const length = layer === 1 ? (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4 : Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding;
  const mono = bytes[o + 3] >> 6 === 3;
  return { version, layer, sampleRate, samples, length, mono };
}

/** Skips an ID3v2 tag at the start (10-byte header, syncsafe size, optional 10-byte footer). */
function id3v2End(bytes: Uint8Array): number {
  let offset = 0;
  while (offset + 10 <= bytes.length && ascii(bytes, offset, 3) === "ID3") {
    const size = ((bytes[offset + 6] & 0x7f) << 21) | ((bytes[offset + 7] & 0x7f) << 14) | ((bytes[offset + 8] & 0x7f) << 7) | (bytes[offset + 9] & 0x7f);
    const footer = bytes[offset + 5] & 0x10 ? 10 : 0;
    offset += 10 + size + footer;
  }
  return offset;
}

/** Duration of an MPEG audio (MP3) file. @throws InputError when no MPEG frame is found. */
export function mp3Duration(bytes: Uint8Array, name = "audio"): AudioDuration {
  let offset = id3v2End(bytes);
  // Find the first frame whose successor also parses (guards against a stray 0xFF byte).
  let first: FrameHeader | undefined;
  for (; offset + 4 <= bytes.length; offset++) {
    const frame = frameAt(bytes, offset);
    if (!frame) continue;
    const next = offset + frame.length;
    if (next >= bytes.length || frameAt(bytes, next) || ascii(bytes, next, 3) === "TAG") {
      first = frame;
      break;
    }
  }
  if (!first) throw new InputError(`${name}: not an MP3 file (no MPEG audio frame found)`);

  // Xing / Info (LAME) header inside the first frame: its frame count covers the whole file.
  const sideInfo = first.version === 1 ? (first.mono ? 17 : 32) : first.mono ? 9 : 17;
  const xing = offset + 4 + sideInfo;
  const tag = ascii(bytes, xing, 4);
  if ((tag === "Xing" || tag === "Info") && xing + 12 <= bytes.length && u32be(bytes, xing + 4) & 1) {
    const frames = u32be(bytes, xing + 8);
    if (frames > 0) return { seconds: (frames * first.samples) / first.sampleRate, format: "mp3", method: `${tag} frame count` };
  }
  // VBRI (Fraunhofer) header: 32 bytes after the frame header.
  if (ascii(bytes, offset + 36, 4) === "VBRI" && offset + 36 + 18 <= bytes.length) {
    const frames = u32be(bytes, offset + 36 + 14);
    if (frames > 0) return { seconds: (frames * first.samples) / first.sampleRate, format: "mp3", method: "VBRI frame count" };
  }

  // No header: walk the frames and add up their samples.
  let seconds = 0;
  while (offset + 4 <= bytes.length) {
    const frame = frameAt(bytes, offset);
    if (!frame || frame.length <= 0) break;
    if (offset + frame.length > bytes.length) break; // truncated last frame: not decodable, not billed
    seconds += frame.samples / frame.sampleRate;
    offset += frame.length;
  }
  return { seconds, format: "mp3", method: "frame scan" };
}

/**
 * Duration of a WAV or MP3 file, chosen by its content (RIFF header → WAV, else MP3).
 * @throws InputError for other formats.
 */
export function audioDuration(bytes: Uint8Array, name = "audio"): AudioDuration {
  if (ascii(bytes, 0, 4) === "RIFF") return wavDuration(bytes, name);
  try {
    return mp3Duration(bytes, name);
  } catch {
    throw new InputError(`${name}: cannot read its duration: only WAV and MP3 headers are supported (pass --minutes instead)`);
  }
}
