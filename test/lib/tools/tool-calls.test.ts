import assert from "assert";
import { callKey, PendingCalls, toolMessage, type Timers } from "../../../nodes/lib/tools/tool-calls";

/** Timers the test fires by hand, counting what is still armed. */
class ManualTimers implements Timers {
  armed = new Map<number, () => void>();
  /** The duration each timer was armed with, in arming order. */
  durations: number[] = [];
  private next = 0;
  set(fn: () => void, ms: number): unknown {
    const id = ++this.next;
    this.armed.set(id, fn);
    this.durations.push(ms);
    return id;
  }
  clear(handle: unknown): void {
    this.armed.delete(handle as number);
  }
  fireAll(): void {
    for (const [id, fn] of [...this.armed]) {
      this.armed.delete(id);
      fn();
    }
  }
}

describe("tool-calls", () => {
  let timers: ManualTimers;
  let calls: PendingCalls<string>;
  beforeEach(() => {
    timers = new ManualTimers();
    calls = new PendingCalls<string>(timers);
  });

  it("delivers an answer to the waiting call, once, and clears its timer", async () => {
    const key = callKey("c1", "toolu_1");
    const waiting = calls.wait(key, { owner: "tool", timeoutMs: 1000 });
    assert.strictEqual(calls.size, 1);
    assert.strictEqual(timers.armed.size, 1);
    assert.strictEqual(calls.answer(key, "done"), true);
    assert.deepStrictEqual(await waiting, { kind: "answered", value: "done" });
    assert.strictEqual(calls.answer(key, "again"), false, "a second answer finds nothing");
    assert.strictEqual(calls.size, 0);
    assert.strictEqual(timers.armed.size, 0);
    assert.strictEqual(calls.activeTimers, 0);
  });

  it("tells calls of different conversations apart even with the same call id", async () => {
    const a = calls.wait(callKey("a", "toolu_1"), { owner: "tool", timeoutMs: 1000 });
    const b = calls.wait(callKey("b", "toolu_1"), { owner: "tool", timeoutMs: 1000 });
    calls.answer(callKey("b", "toolu_1"), "for b");
    calls.answer(callKey("a", "toolu_1"), "for a");
    assert.deepStrictEqual([await a, await b], [{ kind: "answered", value: "for a" }, { kind: "answered", value: "for b" }]);
  });

  it("times out, and a late answer then finds nothing", async () => {
    const key = callKey("c1", "toolu_1");
    const waiting = calls.wait(key, { owner: "tool", timeoutMs: 1500 });
    assert.deepStrictEqual(timers.durations, [1500], "the timer runs for exactly the timeout");
    timers.fireAll();
    assert.deepStrictEqual(await waiting, { kind: "timeout" });
    assert.strictEqual(calls.answer(key, "late"), false);
    assert.strictEqual(calls.activeTimers, 0);
  });

  it("ends on abort and removes its abort listener", async () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
    const answered = calls.wait(callKey("c", "1"), { owner: "tool", timeoutMs: 1000, signal });
    calls.answer(callKey("c", "1"), "ok");
    await answered;
    assert.strictEqual(listeners, 0, "an answered call leaves no listener behind");
    const aborted = calls.wait(callKey("c", "2"), { owner: "tool", timeoutMs: 1000, signal });
    controller.abort();
    assert.deepStrictEqual(await aborted, { kind: "cancelled" });
    assert.strictEqual(listeners, 0);
    assert.strictEqual(timers.armed.size, 0);
    assert.deepStrictEqual(await calls.wait(callKey("c", "3"), { owner: "tool", timeoutMs: 1000, signal }), { kind: "cancelled" }, "an aborted signal ends at once");
    assert.strictEqual(calls.size, 0);
  });

  it("cancels only the calls of the owner that closes", async () => {
    const mine = calls.wait(callKey("c", "1"), { owner: "tool-a", timeoutMs: 1000 });
    const other = calls.wait(callKey("c", "2"), { owner: "tool-b", timeoutMs: 1000 });
    assert.strictEqual(calls.countFor("tool-a"), 1);
    assert.strictEqual(calls.cancelOwner("tool-a"), 1);
    assert.deepStrictEqual(await mine, { kind: "cancelled" });
    assert.strictEqual(calls.size, 1);
    assert.strictEqual(timers.armed.size, 1);
    calls.answer(callKey("c", "2"), "fine");
    assert.deepStrictEqual(await other, { kind: "answered", value: "fine" });
    assert.strictEqual(calls.activeTimers, 0);
  });

  it("refuses a second call with a key that is already waiting", async () => {
    const first = calls.wait(callKey("c", "1"), { owner: "t", timeoutMs: 1000 });
    assert.deepStrictEqual(await calls.wait(callKey("c", "1"), { owner: "t", timeoutMs: 1000 }), { kind: "duplicate" });
    calls.answer(callKey("c", "1"), "x");
    assert.deepStrictEqual(await first, { kind: "answered", value: "x" });
  });

  it("builds the tool message from a copy of the triggering message, without what must not travel", () => {
    const origin = { payload: "turn on the light", topic: "kitchen", chat: { id: 7 }, error: { message: "old" }, claude: { model: "m" }, is_error: true, _msgid: "m1", tool: { id: "old" } };
    const input = { room: "kitchen" };
    const msg = toolMessage(origin, input, { name: "lights", id: "toolu_1", conversation_id: "c1" }, (v) => structuredClone(v));
    assert.deepStrictEqual(msg, { topic: "kitchen", chat: { id: 7 }, payload: { room: "kitchen" }, tool: { name: "lights", id: "toolu_1", conversation_id: "c1" } });
    (msg.chat as any).id = 8;
    (msg.payload as any).room = "hall";
    assert.strictEqual(origin.chat.id, 7, "the triggering message is not changed");
    assert.strictEqual(input.room, "kitchen", "the call Claude made is not changed");
  });
});
