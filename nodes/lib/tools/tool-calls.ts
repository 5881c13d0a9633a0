// Tool calls waiting for their results. A tool node registers each call it sends into the flow;
// a tool result node answers it by the key in msg.tool. Every wait ends exactly once: answered,
// timed out, or cancelled (the tool node closed, or the conversation was stopped), and its timer
// and abort listener go with it.

export type Settled<T> =
  | { kind: "answered"; value: T }
  | { kind: "timeout" }
  | { kind: "cancelled" }
  /** Another call with the same key is already waiting. */
  | { kind: "duplicate" };

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface WaitOptions {
  /** Who registered the call (a tool node id), so its calls can be cancelled when it closes. */
  owner: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

interface Entry<T> {
  owner: string;
  finish: (settled: Settled<T>) => void;
}

/** Calls are told apart by conversation and call id: ids come from Claude, conversations from the flow. */
export function callKey(conversationId: unknown, callId: unknown): string {
  return JSON.stringify([String(conversationId ?? ""), String(callId ?? "")]);
}

export class PendingCalls<T> {
  private entries = new Map<string, Entry<T>>();
  private armed = 0;

  constructor(private timers: Timers = realTimers) {}

  /** Calls waiting now. */
  get size(): number {
    return this.entries.size;
  }

  /** Timers armed and not yet cleared: zero whenever nothing waits. */
  get activeTimers(): number {
    return this.armed;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  countFor(owner: string): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.owner === owner) n++;
    return n;
  }

  wait(key: string, options: WaitOptions): Promise<Settled<T>> {
    if (this.entries.has(key)) return Promise.resolve({ kind: "duplicate" });
    if (options.signal?.aborted) return Promise.resolve({ kind: "cancelled" });
    return new Promise((resolve) => {
      const onAbort = () => finish({ kind: "cancelled" });
      const timer = this.timers.set(() => finish({ kind: "timeout" }), options.timeoutMs);
      this.armed++;
      const finish = (settled: Settled<T>) => {
        if (this.entries.get(key) !== entry) return;
        this.entries.delete(key);
        this.timers.clear(timer);
        this.armed--;
        options.signal?.removeEventListener("abort", onAbort);
        resolve(settled);
      };
      const entry: Entry<T> = { owner: options.owner, finish };
      this.entries.set(key, entry);
      options.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Delivers a result; false when no call with that key is waiting. */
  answer(key: string, value: T): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    entry.finish({ kind: "answered", value });
    return true;
  }

  /** Ends every call an owner registered (its node is closing); returns how many. */
  cancelOwner(owner: string): number {
    const ending = [...this.entries.values()].filter((e) => e.owner === owner);
    for (const entry of ending) entry.finish({ kind: "cancelled" });
    return ending.length;
  }
}

/** Properties of the triggering message that a tool message never carries. */
export const NOT_COPIED = ["payload", "tool", "error", "claude", "is_error", "_msgid"];

/** The message a tool sends into the flow: the triggering message's other properties, then the call. */
export function toolMessage(
  origin: Record<string, unknown>,
  payload: unknown,
  tool: { name: string; id: string; conversation_id: string },
  clone: <M extends object>(value: M) => M,
): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(origin)) if (!NOT_COPIED.includes(key)) rest[key] = value;
  // A copy, so a flow that changes the message cannot change the call kept in the history.
  return { ...clone({ ...rest, payload }), tool: { ...tool } };
}
