/**
 * A small server-sent-events parser (the subset the OpenAI API uses: `event:`, `data:`, `id:`,
 * comments, blank-line dispatch, `data: [DONE]`), working on a byte stream with the standard
 * TextDecoder — no Node APIs.
 */

/** One server-sent event. */
export interface ServerSentEvent {
  /** The `event:` field, or null (chat completions streams have none). */
  event: string | null;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The `id:` field, or null. */
  id: string | null;
}

/** Incremental parser: feed it chunks, get complete events back. */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private event: string | null = null;
  private data: string[] = [];
  private id: string | null = null;

  /** Feeds bytes (or text); returns the events completed by them. */
  push(chunk: Uint8Array | string): ServerSentEvent[] {
    this.buffer += typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** Ends the stream: returns the last event if the stream did not end with a blank line. */
  end(): ServerSentEvent[] {
    this.buffer += this.decoder.decode();
    const events = this.drain(true);
    const last = this.dispatch();
    return last ? [...events, last] : events;
  }

  private drain(final: boolean): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone "\r" at the very end may be the first half of "\r\n": wait for more.
      if (match[0] === "\r" && match.index === this.buffer.length - 1 && !final) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    if (final && this.buffer) {
      const event = this.line(this.buffer);
      this.buffer = "";
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id") this.id = value;
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    if (this.data.length === 0 && this.event === null) return undefined;
    const event: ServerSentEvent = { event: this.event, data: this.data.join("\n"), id: this.id };
    this.event = null;
    this.data = [];
    return event;
  }
}
