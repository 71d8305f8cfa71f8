/** Progress on stderr: only on a TTY outside CI; bytes, files, rate and ETA; erased at the end. */
import { describe, expect, it } from "vitest";
import { createProgressReporter, formatProgress, progressEnabled } from "../src/node/progress.js";

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns: 120, written, write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream & { written: string[] };
}

describe("progress", () => {
  it("is enabled only on a TTY and not under CI", () => {
    expect(progressEnabled(fakeStream(true), {})).toBe(true);
    expect(progressEnabled(fakeStream(false), {})).toBe(false);
    expect(progressEnabled(fakeStream(true), { CI: "true" })).toBe(false);
    expect(progressEnabled(fakeStream(true), { CI: "1" })).toBe(false);
    expect(progressEnabled(fakeStream(true), { CI: "false" })).toBe(true);
  });

  it("formats bytes, files, rate and ETA", () => {
    const line = formatProgress({ bytesDone: 50 * 1024 * 1024, bytesTotal: 100 * 1024 * 1024, filesDone: 3, filesTotal: 10 }, 5000);
    expect(line).toBe("counting 50%  50.0 MiB / 100.0 MiB  3/10 files  10.0 MiB/s  ETA 5s");
  });

  it("draws after the delay on a TTY and erases the line when done", () => {
    let now = 0;
    const stream = fakeStream(true);
    const reporter = createProgressReporter({ stream, env: {}, now: () => now, delayMs: 500 });
    reporter.onProgress({ bytesDone: 1, bytesTotal: 10, filesDone: 0, filesTotal: 1 });
    expect(stream.written).toEqual([]);
    now = 1000;
    reporter.onProgress({ bytesDone: 5, bytesTotal: 10, filesDone: 0, filesTotal: 1 });
    expect(stream.written).toHaveLength(1);
    expect(stream.written[0]).toContain("counting 50%");
    reporter.done();
    expect(stream.written.at(-1)).toBe("\r\u001b[2K");
  });

  it("writes nothing when stderr is not a TTY", () => {
    const stream = fakeStream(false);
    const reporter = createProgressReporter({ stream, env: {}, now: () => 10_000, delayMs: 0 });
    reporter.onProgress({ bytesDone: 5, bytesTotal: 10, filesDone: 0, filesTotal: 1 });
    reporter.done();
    expect(stream.written).toEqual([]);
  });
});
