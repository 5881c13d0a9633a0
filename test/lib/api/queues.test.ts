import assert from "assert";
import { KeyedQueue } from "../../../nodes/lib/conversation/keyed-queue";
import { Semaphore } from "../../../nodes/lib/api/semaphore";

const tick = () => new Promise((r) => setImmediate(r));

describe("keyed queue", () => {
  it("runs jobs of one key in order, other keys alongside, and forgets idle keys", async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a1 = queue.run("a", async () => {
      await gate;
      log.push("a1");
    });
    const a2 = queue.run("a", async () => log.push("a2"));
    const b1 = queue.run("b", async () => log.push("b1"));
    await b1;
    assert.deepStrictEqual(log, ["b1"]);
    release();
    await Promise.all([a1, a2]);
    assert.deepStrictEqual(log, ["b1", "a1", "a2"]);
    await tick();
    assert.strictEqual(queue.size, 0);
  });

  it("goes on after a failed job and passes the failure to its caller", async () => {
    const queue = new KeyedQueue();
    await assert.rejects(queue.run("a", async () => Promise.reject(new Error("boom"))), /boom/);
    assert.strictEqual(await queue.run("a", async () => 42), 42);
  });
});

describe("semaphore", () => {
  it("lets `limit` holders in and queues the rest in order", async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    await s.acquire();
    await s.acquire();
    const third = s.acquire().then(() => order.push(3));
    const fourth = s.acquire().then(() => order.push(4));
    await new Promise((r) => setImmediate(r));
    assert.deepStrictEqual(order, [], "both wait while two hold");
    s.release();
    await third;
    s.release();
    await fourth;
    assert.deepStrictEqual(order, [3, 4]);
  });

  it("drops a waiter whose request is aborted", async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const controller = new AbortController();
    const waiting = s.acquire(controller.signal);
    controller.abort();
    await assert.rejects(waiting);
    // The aborted waiter took no slot: the next one after a release gets in at once.
    s.release();
    await s.acquire();
  });

  it("has no limit at 0", async () => {
    const s = new Semaphore(0);
    await Promise.all([s.acquire(), s.acquire(), s.acquire()]);
  });
});
