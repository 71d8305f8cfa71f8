import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { audioDuration, mp3Duration, wavDuration } from "../src/index.js";
import { readAudioDuration } from "../src/node/media.js";

/** A PCM WAV: `seconds` of silence at `rate` Hz, `channels` × 16-bit, with an extra LIST chunk before data. */
function wav(seconds: number, rate = 16_000, channels = 1): Uint8Array {
  const byteRate = rate * channels * 2;
  const dataSize = Math.round(seconds * byteRate);
  const list = 6; // odd-sized chunk → padding byte
  const buf = Buffer.alloc(12 + 24 + 8 + list + 1 + 8 + dataSize);
  let o = 0;
  buf.write("RIFF", o);
  buf.writeUInt32LE(buf.length - 8, 4);
  buf.write("WAVE", 8);
  o = 12;
  buf.write("fmt ", o);
  buf.writeUInt32LE(16, o + 4);
  buf.writeUInt16LE(1, o + 8);
  buf.writeUInt16LE(channels, o + 10);
  buf.writeUInt32LE(rate, o + 12);
  buf.writeUInt32LE(byteRate, o + 16);
  buf.writeUInt16LE(channels * 2, o + 20);
  buf.writeUInt16LE(16, o + 22);
  o += 24;
  buf.write("LIST", o);
  buf.writeUInt32LE(list - 1, o + 4);
  o += 8 + list;
  buf.write("data", o);
  buf.writeUInt32LE(dataSize, o + 4);
  return new Uint8Array(buf);
}

/** MPEG-1 Layer III, 128 kbps, 44.1 kHz, stereo frames: 417 bytes (418 padded), 1152 samples each. */
function mp3(frames: number, options: { id3?: boolean; xingFrames?: number } = {}): Uint8Array {
  const parts: Buffer[] = [];
  if (options.id3) {
    const tag = Buffer.alloc(10 + 200);
    tag.write("ID3", 0);
    tag[3] = 4;
    tag[9] = 200; // syncsafe size 200
    parts.push(tag);
  }
  const frame = (padding: boolean) => {
    const f = Buffer.alloc(padding ? 418 : 417);
    f[0] = 0xff;
    f[1] = 0xfb;
    f[2] = 0x90 | (padding ? 2 : 0);
    f[3] = 0x00;
    return f;
  };
  if (options.xingFrames !== undefined) {
    const f = frame(false);
    f.write("Xing", 4 + 32);
    f.writeUInt32BE(1, 4 + 32 + 4);
    f.writeUInt32BE(options.xingFrames, 4 + 32 + 8);
    parts.push(f);
  }
  for (let i = 0; i < frames; i++) parts.push(frame(i % 2 === 1));
  parts.push(Buffer.from("TAG" + " ".repeat(125)));
  return new Uint8Array(Buffer.concat(parts));
}

describe("WAV duration", () => {
  it("is data size / byte rate, skipping other chunks", () => {
    expect(wavDuration(wav(2.5)).seconds).toBeCloseTo(2.5, 9);
    expect(wavDuration(wav(61, 44_100, 2)).seconds).toBeCloseTo(61, 9);
  });

  it("rejects a file without a RIFF header, in one clear line", () => {
    expect(() => wavDuration(new Uint8Array(20), "x.wav")).toThrow(/^x\.wav: not a WAV file/);
  });
});

describe("MP3 duration", () => {
  it("walks frames when there is no VBR header (and skips ID3v2 and ID3v1 tags)", () => {
    const d = mp3Duration(mp3(100, { id3: true }));
    expect(d.method).toBe("frame scan");
    expect(d.seconds).toBeCloseTo((100 * 1152) / 44_100, 9);
  });

  it("uses the Xing frame count when present", () => {
    const d = mp3Duration(mp3(3, { xingFrames: 5_000 }));
    expect(d.method).toBe("Xing frame count");
    expect(d.seconds).toBeCloseTo((5_000 * 1152) / 44_100, 9);
  });

  it("says which formats are supported for anything else", () => {
    expect(() => audioDuration(new TextEncoder().encode("just text, not audio"), "notes.txt")).toThrow(/only WAV and MP3/);
  });
});

describe("readAudioDuration (Node)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tokcost-media-"));
  it("reads a file from disk and picks the format from its content", async () => {
    const file = path.join(dir, "talk.wav");
    writeFileSync(file, wav(90));
    const d = await readAudioDuration(file);
    expect(d.format).toBe("wav");
    expect(d.seconds).toBeCloseTo(90, 9);
  });

  it("a missing file is FILE_NOT_FOUND", async () => {
    await expect(readAudioDuration(path.join(dir, "nope.mp3"))).rejects.toMatchObject({ code: "FILE_NOT_FOUND" });
  });
});
