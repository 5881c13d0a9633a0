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

  it("keeps a key while jobs are still queued, so a later job never runs beside an earlier one", async () => {
    const queue = new KeyedQueue();
    const running: string[] = [];
    const overlaps: string[][] = [];
    const gates: Record<string, () => void> = {};
    const job = (name: string) => async () => {
      running.push(name);
      if (running.length > 1) overlaps.push([...running]);
      await new Promise<void>((r) => (gates[name] = r));
      running.splice(running.indexOf(name), 1);
    };
    const first = queue.run("a", job("first"));
    const second = queue.run("a", job("second"));
    await tick();
    gates.first();
    await first;
    // The first job's bookkeeping has run; "second" is now running and the key must still be known.
    await tick();
    assert.strictEqual(queue.size, 1, "the key is kept while a job of it runs");
    const third = queue.run("a", job("third"));
    await tick();
    assert.deepStrictEqual(running, ["second"], "the third job waits for the second");
    gates.second();
    await second;
    await tick();
    gates.third();
    await third;
    assert.deepStrictEqual(overlaps, []);
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

  it("stays within its limit when requests arrive as others finish", async () => {
    const s = new Semaphore(2);
    let holders = 0;
    let peak = 0;
    const enter = () => {
      holders++;
      peak = Math.max(peak, holders);
    };
    const leave = () => {
      holders--;
      s.release();
    };
    await s.acquire().then(enter);
    await s.acquire().then(enter);
    const admitted: string[] = [];
    const queued = ["c", "d"].map((name) => s.acquire().then(() => (enter(), admitted.push(name))));
    // Each release hands its slot to the next in line; a request arriving right then must wait its turn.
    for (let round = 0; round < 6; round++) {
      leave();
      await tick();
      const name = `late${round}`;
      queued.push(s.acquire().then(() => (enter(), admitted.push(name))));
      await tick();
      assert.ok(holders <= 2, `round ${round}: ${holders} holders`);
    }
    while (holders) {
      leave();
      await tick();
    }
    await Promise.all(queued);
    assert.strictEqual(peak, 2);
    assert.deepStrictEqual(admitted, ["c", "d", "late0", "late1", "late2", "late3", "late4", "late5"], "in arrival order");
    // Every slot came back: two more fit at once, a third waits.
    await s.acquire();
    await s.acquire();
    assert.strictEqual(await Promise.race([s.acquire().then(() => "admitted"), tick().then(() => "waiting")]), "waiting");
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
