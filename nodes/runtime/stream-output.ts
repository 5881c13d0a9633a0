// The conversation node's second output: the text of each turn as Claude writes it, in paced
// parts (lib/conversation/text-stream.ts), each a copy of the input message with the new text.
import type { NodeAPI, NodeMessage } from "node-red";
import type { StreamHooks } from "../lib/api/account";
import { DEFAULT_STREAM_INTERVAL_MS, TextStream } from "../lib/conversation/text-stream";
import { editorNumber } from "../lib/api/editor-values";
import { t } from "./messages";

type Msg = NodeMessage & Record<string, any>;
type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;

/** One turn's stream: hooks for its requests, then finish or fail. */
export interface TurnStream {
  hooks: Pick<StreamHooks, "onEvent" | "beforeRetry">;
  finish(): void;
  /** Ends the stream with a notice of the failure (the text Catch sees). */
  fail(error: string): void;
  /** Ends it without another message (the node is stopping). */
  stop(): void;
}

export class StreamOutput {
  private turns = 0;
  private readonly open = new Set<TextStream>();

  private constructor(private readonly RED: NodeAPI, private readonly intervalMs: number) {}

  /** The output when the node has "stream" ticked; undefined otherwise. */
  static of(RED: NodeAPI, def: { stream?: boolean | string; streamInterval?: string | number }): StreamOutput | undefined {
    if (def.stream !== true && def.stream !== "true") return undefined;
    return new StreamOutput(RED, editorNumber(def.streamInterval, DEFAULT_STREAM_INTERVAL_MS));
  }

  /** Starts the stream of a turn for this input message (its conversation_id already set). */
  start(msg: Msg, send: Send): TurnStream {
    const turn = ++this.turns;
    const { payload: _payload, ...rest } = msg;
    const base = this.RED.util.cloneMessage(rest as Msg);
    const text = new TextStream((part) => {
      const out = this.RED.util.cloneMessage(base) as Msg;
      out.payload = part.text;
      out.stream = { turn, index: part.index, last: part.last, ...(part.failed ? { failed: true } : {}) };
      send([null, out]);
    }, this.intervalMs);
    this.open.add(text);
    const end = (how: () => void) => {
      this.open.delete(text);
      how();
    };
    return {
      hooks: { onEvent: (event) => text.event(event), beforeRetry: () => text.restartRequest() },
      finish: () => end(() => text.finish()),
      fail: (error) => end(() => text.fail(t(this.RED, "stream.failed", { error }))),
      stop: () => end(() => text.stop()),
    };
  }

  /** The outputs of a turn's final answer: the first one. */
  final(msg: Msg): Array<NodeMessage | null> {
    return [msg, null];
  }

  /** The node is closing: no stream sends anything more. */
  close(): void {
    for (const text of this.open) text.stop();
    this.open.clear();
  }
}
