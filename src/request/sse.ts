/**
 * Server-sent events for the streamed responses (`event:`, `data:`, `id:`, comments, blank-line
 * dispatch, `data: [DONE]`): bytes in, complete events out. The parsing is eventsource-parser's
 * (maintained, spec-conformant, linear however the stream is cut); this module adds the byte
 * decoding, a bound on what a server can make it hold, and events as return values.
 */
import { createParser, type EventSourceParser } from "eventsource-parser";
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
 * Incremental parser: feed it chunks, get complete events back. Linear in the input however the
 * stream is cut; a line (or the data of one event) longer than `maxLineLength` throws
 * {@link SseLineTooLongError} instead of growing without bound. A stream that ends without the
 * blank line that ends an event still gives that event (as servers that close early expect).
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private readonly parser: EventSourceParser;
  private events: ServerSentEvent[] = [];
  private overflow: SseLineTooLongError | undefined;

  constructor(options: { maxLineLength?: number } = {}) {
    const limit = options.maxLineLength ?? DEFAULT_MAX_SSE_LINE;
    this.parser = createParser({
      maxBufferSize: limit,
      onEvent: (event) => this.events.push({ event: event.event ?? null, data: event.data, id: event.id ?? null }),
      onError: (error) => {
        // other parse errors (a bad retry: field, an unknown field) are ignored, as the spec says
        if (error.type === "max-buffer-size-exceeded") this.overflow = new SseLineTooLongError(limit);
      },
    });
  }

  /** Feeds bytes (or text); returns the events completed by them. */
  push(chunk: Uint8Array | string): ServerSentEvent[] {
    return this.feed(typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true }));
  }

  /** Ends the stream: returns the last event if the stream did not end with a blank line. */
  end(): ServerSentEvent[] {
    // a line feed ends a last unfinished line, a blank line dispatches its event (no-ops otherwise)
    return this.feed(`${this.decoder.decode()}\n\n`);
  }

  private feed(text: string): ServerSentEvent[] {
    if (this.overflow) throw this.overflow;
    this.parser.feed(text);
    if (this.overflow) throw this.overflow;
    const events = this.events;
    this.events = [];
    return events;
  }
}
