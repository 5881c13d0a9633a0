// The text of one turn as Claude writes it, passed on in paced parts: the first part at once, then
// at most one part per interval, and the rest when the turn ends. Fed with the SDK's raw stream
// events so the parts join exactly as answerText joins the final answer (a paragraph break after
// tool calls, server tools and thinking). No Node-RED here.
import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { CONVERSATION_DEFAULTS } from "../defaults";

export interface TextPart {
  /** The text since the previous part. */
  text: string;
  /** 0, 1, 2, … in the order the parts are sent. */
  index: number;
  /** The turn's stream ends with this part. */
  last: boolean;
  /** The turn failed; the text ends with a notice saying so. */
  failed?: boolean;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The pause between two parts unless a node says otherwise. */
export const DEFAULT_STREAM_INTERVAL_MS: number = CONVERSATION_DEFAULTS.streamInterval;

/** Where the joining rules stand, so a request sent again starts from where the first one did. */
interface JoinState {
  afterOther: boolean;
  hasText: boolean;
}

export class TextStream {
  private pending = "";
  private index = 0;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private ended = false;
  private join: JoinState = { afterOther: false, hasText: false };
  /** At the start of the current request: the joining state and how much of `pending` came before it. */
  private requestStart: JoinState & { pendingBefore: number } = { afterOther: false, hasText: false, pendingBefore: 0 };
  /** Some text of the current request has been sent (and cannot be taken back). */
  private requestTextSent = false;

  constructor(
    private readonly emit: (part: TextPart) => void,
    private readonly intervalMs: number = DEFAULT_STREAM_INTERVAL_MS,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  /** One event of a request's stream (every request of the turn, in order). */
  event(event: RawMessageStreamEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case "message_start":
        this.requestStart = { ...this.join, pendingBefore: this.pending.length };
        this.requestTextSent = false;
        break;
      case "content_block_start":
        if (event.content_block.type !== "text") this.join.afterOther = true;
        else if (event.content_block.text) this.add(event.content_block.text);
        break;
      case "content_block_delta":
        if (event.delta.type === "text_delta" && event.delta.text) this.add(event.delta.text);
        break;
      default:
        break;
    }
  }

  /**
   * The current request failed and is about to be sent again: forget its text. False when some of
   * it has already been passed on, since the new answer would not continue it.
   */
  restartRequest(): boolean {
    if (this.ended) return true;
    if (this.requestTextSent) return false;
    this.pending = this.pending.slice(0, this.requestStart.pendingBefore);
    this.join = { afterOther: this.requestStart.afterOther, hasText: this.requestStart.hasText };
    return true;
  }

  /** The turn ended well: the rest goes out as the last part (empty when everything was sent). */
  finish(): void {
    this.end(this.pending, false);
  }

  /** The turn failed: the rest goes out as the last part, followed by the notice. */
  fail(notice: string): void {
    const sentText = this.index > 0 || this.pending.length > 0;
    this.end(this.pending + (sentText ? "\n\n" : "") + notice, true);
  }

  /** Nothing more goes out (the node is closing). */
  stop(): void {
    this.ended = true;
    this.cancelTimer();
  }

  private add(text: string): void {
    this.pending += (this.join.afterOther && this.join.hasText ? "\n\n" : "") + text;
    this.join = { afterOther: false, hasText: true };
    if (this.timer !== undefined) return;
    const wait = this.lastSentAt + this.intervalMs - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.ended || !this.pending) return;
    this.send(this.pending, false);
  }

  private end(text: string, failed: boolean): void {
    if (this.ended) return;
    this.cancelTimer();
    this.ended = true;
    this.send(text, true, failed);
  }

  private send(text: string, last: boolean, failed = false): void {
    if (this.pending.length > this.requestStart.pendingBefore) this.requestTextSent = true;
    this.pending = "";
    this.requestStart.pendingBefore = 0;
    this.lastSentAt = this.clock.now();
    this.emit({ text, index: this.index++, last, ...(failed ? { failed } : {}) });
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
