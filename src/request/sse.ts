/**
 * A small server-sent-events parser (the subset the OpenAI API uses: `event:`, `data:`, `id:`,
 * comments, blank-line dispatch, `data: [DONE]`), working on a byte stream with the standard
 * TextDecoder — no Node APIs.
 */
import { TokcostError } from "../errors.js";

/** One server-sent event. */
export interface ServerSentEvent {
  /** The `event:` field, or null (chat completions streams have none). */
  event: string | null;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The `id:` field, or null. */
  id: string | null;
}

/** The longest SSE line kept by default (64 MiB of text): a longer one is no event of the API's. */
export const DEFAULT_MAX_SSE_LINE = 64 * 1024 * 1024;

/** A server-sent line longer than the parser's limit (a server that never ends a line). */
export class SseLineTooLongError extends TokcostError {
  constructor(limit: number) {
    super("INVALID_RESPONSE", `the server sent a stream line longer than ${limit} characters without ending it; stopped reading`, { details: { limit } });
  }
}

/**
 * Incremental parser: feed it chunks, get complete events back. Linear in the input: each
 * character is looked at once, however the stream is cut (an endless line without a newline no
 * longer rescans everything buffered on every chunk), and a line longer than `maxLineLength`
 * throws {@link SseLineTooLongError} instead of growing without bound.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private readonly maxLine: number;
  /** Pieces of the current, unfinished line (joined once, when it ends). */
  private pending: string[] = [];
  private pendingLength = 0;
  /** The previous chunk ended with "\r": a "\n" starting the next one belongs to it. */
  private skipLf = false;
  private event: string | null = null;
  private data: string[] = [];
  private dataLength = 0;
  private id: string | null = null;

  constructor(options: { maxLineLength?: number } = {}) {
    this.maxLine = options.maxLineLength ?? DEFAULT_MAX_SSE_LINE;
  }

  /** Feeds bytes (or text); returns the events completed by them. */
  push(chunk: Uint8Array | string): ServerSentEvent[] {
    return this.scan(typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true }), false);
  }

  /** Ends the stream: returns the last event if the stream did not end with a blank line. */
  end(): ServerSentEvent[] {
    const events = this.scan(this.decoder.decode(), true);
    const last = this.dispatch();
    return last ? [...events, last] : events;
  }

  private scan(text: string, final: boolean): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    let pos = 0;
    if (this.skipLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) pos = 1;
      this.skipLf = false;
    }
    while (pos < text.length) {
      let i = pos;
      let c = 0;
      for (; i < text.length; i++) {
        c = text.charCodeAt(i);
        if (c === 10 || c === 13) break;
      }
      if (i === text.length) {
        this.hold(text.slice(pos));
        break;
      }
      const piece = text.slice(pos, i);
      const line = this.pending.length ? this.take(piece) : piece;
      if (line.length > this.maxLine) throw new SseLineTooLongError(this.maxLine);
      pos = i + 1;
      if (c === 13) {
        if (pos < text.length) {
          if (text.charCodeAt(pos) === 10) pos += 1;
        } else this.skipLf = true;
      }
      const event = this.line(line);
      if (event) events.push(event);
    }
    if (final && this.pending.length) {
      const event = this.line(this.take(""));
      if (event) events.push(event);
    }
    return events;
  }

  private hold(piece: string): void {
    if (!piece) return;
    this.pendingLength += piece.length;
    if (this.pendingLength > this.maxLine) throw new SseLineTooLongError(this.maxLine);
    this.pending.push(piece);
  }

  private take(last: string): string {
    this.pending.push(last);
    const line = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    return line;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") {
      // many data lines without the blank line that ends an event: bounded like one line
      this.dataLength += value.length + 1;
      if (this.dataLength > this.maxLine) throw new SseLineTooLongError(this.maxLine);
      this.data.push(value);
    }
    else if (field === "event") this.event = value;
    else if (field === "id") this.id = value;
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    if (this.data.length === 0 && this.event === null) return undefined;
    const event: ServerSentEvent = { event: this.event, data: this.data.join("\n"), id: this.id };
    this.event = null;
    this.data = [];
    this.dataLength = 0;
    return event;
  }
}
