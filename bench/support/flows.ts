// The flows the benchmarks run: inject → Claude conversation → sink, on one tab.
import { accountNode } from "./node-red";

export const TAB = "bench-tab";

export function conversationFlow(url: string, options: { account?: Record<string, unknown>; conversation?: Record<string, unknown> } = {}): unknown[] {
  return [
    { id: TAB, type: "tab", label: "benchmark" },
    accountNode(url, options.account),
    // Flow nodes need a position; without one Node-RED takes them for config nodes.
    // One conversation, reset by every message: each request is the same single question (as in the
    // direct comparison) and the stored data does not grow with the number of messages.
    {
      id: "inject",
      type: "inject",
      z: TAB,
      x: 100,
      y: 100,
      props: [
        { p: "payload", v: "hello", vt: "str" },
        { p: "conversation_id", v: "overhead", vt: "str" },
        { p: "reset", v: "true", vt: "bool" },
      ],
      repeat: "",
      once: false,
      wires: [["chat"]],
    },
    { id: "chat", type: "claude-conversation", z: TAB, x: 300, y: 100, config: "account", wires: [["sink"]], ...options.conversation },
    { id: "sink", type: "debug", z: TAB, x: 500, y: 100, active: false, tosidebar: false, console: false, complete: "payload", wires: [] },
    { id: "catch", type: "catch", z: TAB, x: 100, y: 200, scope: ["chat"], uncaught: false, wires: [["failed"]] },
    { id: "failed", type: "debug", z: TAB, x: 300, y: 200, active: false, tosidebar: false, console: false, complete: "error", wires: [] },
  ];
}

/**
 * Sends messages into the conversation node and resolves each with the answer that reaches the sink,
 * matched by conversation id; fails when an answer does not come (the node reports errors instead).
 */
export class Conversations {
  private readonly waiting = new Map<string, { resolve: (msg: any) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();
  constructor(private readonly runtime: import("./node-red").Runtime, private readonly timeoutMs = 30_000) {
    runtime.onMessage("sink", (msg) => this.settle(msg.conversation_id, msg));
    runtime.onMessage("failed", (msg) => this.settle(msg.conversation_id, msg, new Error(msg.error?.message ?? "the turn failed")));
  }

  say(conversationId: string, payload: unknown, extra: Record<string, unknown> = {}): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(conversationId);
        reject(new Error(`no answer for conversation ${conversationId}`));
      }, this.timeoutMs);
      this.waiting.set(conversationId, { resolve, reject, timer });
      this.runtime.node("chat").receive({ payload, conversation_id: conversationId, ...extra });
    });
  }

  private settle(id: string, msg: any, error?: Error): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.waiting.delete(id);
    if (error) entry.reject(error);
    else entry.resolve(msg);
  }
}

/** Runs `jobs` with at most `limit` of them in flight. */
export async function pool<T>(count: number, limit: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await job(i);
    }
  });
  await Promise.all(workers);
  return results;
}
