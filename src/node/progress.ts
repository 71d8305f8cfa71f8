/**
 * Progress line on stderr for long counting runs: bytes and files done, rate, ETA. Shown only
 * when stderr is a TTY and not under CI, and only once a run has taken longer than a moment;
 * the line is erased when the run ends, so output stays clean.
 */
import type { CountProgress } from "./count-files.js";

/** A progress display for long counts: pass `onProgress` to the counter, call `done` at the end. */
export interface ProgressReporter {
  /** Pass as `onProgress`. */
  onProgress: (progress: CountProgress) => void;
  /** Erases the line (call when the run ends, also on error). */
  done: () => void;
}

/** Where and when progress is shown (default: stderr, only when it is a TTY and not under CI). */
export interface ProgressOptions {
  /** Where to draw (default: process.stderr). */
  stream?: NodeJS.WriteStream;
  /** Environment to read `CI` from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Show nothing until the run has lasted this long (ms, default 500). */
  delayMs?: number;
  /** Clock (for tests). */
  now?: () => number;
}

/** Would a progress line be shown on this stream? (TTY, and not CI.) */
export function progressEnabled(stream: NodeJS.WriteStream = process.stderr, env: Record<string, string | undefined> = process.env): boolean {
  const ci = env.CI;
  return stream.isTTY === true && (ci === undefined || ci === "" || ci === "0" || ci.toLowerCase() === "false");
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** One progress line (without control characters). */
export function formatProgress(p: CountProgress, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? p.bytesDone / (elapsedMs / 1000) : 0;
  const left = p.bytesTotal - p.bytesDone;
  const eta = rate > 0 ? formatDuration(left / rate) : "?";
  const pct = p.bytesTotal > 0 ? ` ${Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100))}%` : "";
  return `counting${pct}  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}  ${p.filesDone}/${p.filesTotal} files  ${formatBytes(rate)}/s  ETA ${eta}`;
}

/**
 * A reporter drawing on stderr, or a no-op one when stderr is not a TTY (or under CI): progress
 * never goes into redirected output or CI logs.
 */
export function createProgressReporter(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (!progressEnabled(stream, options.env ?? process.env)) return { onProgress: () => {}, done: () => {} };
  const now = options.now ?? Date.now;
  const delay = options.delayMs ?? 500;
  const start = now();
  let drawn = false;
  let last = 0;
  return {
    onProgress(p) {
      const t = now();
      if (t - start < delay || t - last < 100) return;
      last = t;
      const line = formatProgress(p, t - start);
      const width = stream.columns ? stream.columns - 1 : 100;
      stream.write(`\r\x1b[2K${line.slice(0, width)}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
