// The cost guard's accounting: limits on tool rounds per turn and tokens per turn and per day.
import assert from "assert";
import { CostGuard } from "../../../nodes/lib/api/cost-guard";
import { ClaudeError } from "../../../nodes/lib/errors";
import { totalTokens } from "../../../nodes/lib/api/usage";

function limitError(fn: () => void): ClaudeError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClaudeError);
    assert.strictEqual(err.type, "cost_limit");
    return err;
  }
  assert.fail("no limit was hit");
}

describe("cost guard", () => {
  it("counts every token: input, output, cache writes and reads", () => {
    assert.strictEqual(totalTokens({ input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 3, cache_read_input_tokens: 4 }), 10);
    assert.strictEqual(totalTokens({ input_tokens: 5, output_tokens: 1, cache_creation_input_tokens: null, cache_read_input_tokens: null }), 6);
    assert.strictEqual(totalTokens(undefined), 0);
  });

  it("has no limits by default", () => {
    const guard = new CostGuard();
    const turn = guard.startTurn();
    guard.record({ input_tokens: 1e9, output_tokens: 1e9 }, turn);
    for (let i = 0; i < 100; i++) turn.startToolRound();
    guard.beforeRequest(turn);
  });

  it("limits tool rounds per turn, each turn on its own", () => {
    const guard = new CostGuard({ maxToolRounds: 2, maxTurnTokens: 0, maxDailyTokens: 0 });
    const turn = guard.startTurn();
    turn.startToolRound();
    turn.startToolRound();
    const err = limitError(() => turn.startToolRound());
    assert.strictEqual(err.key, "errors.limit-tool-rounds");
    assert.deepStrictEqual(err.params, { max: 2 });
    guard.startTurn().startToolRound();
  });

  it("limits tokens per turn, before the next request of that turn", () => {
    const guard = new CostGuard({ maxToolRounds: 0, maxTurnTokens: 100, maxDailyTokens: 0 });
    const turn = guard.startTurn();
    guard.beforeRequest(turn);
    guard.record({ input_tokens: 60, output_tokens: 39 }, turn);
    guard.beforeRequest(turn);
    guard.record({ input_tokens: 1, output_tokens: 0 }, turn);
    const err = limitError(() => guard.beforeRequest(turn));
    assert.strictEqual(err.key, "errors.limit-turn-tokens");
    assert.deepStrictEqual(err.params, { used: 100, max: 100 });
    guard.beforeRequest(guard.startTurn());
  });

  it("limits tokens per day and starts again the next day", () => {
    let now = new Date(2026, 5, 1, 23, 0).getTime();
    const guard = new CostGuard({ maxToolRounds: 0, maxTurnTokens: 0, maxDailyTokens: 1000 }, () => now);
    guard.record({ input_tokens: 700 });
    guard.beforeRequest();
    guard.record({ output_tokens: 400 });
    const err = limitError(() => guard.beforeRequest(guard.startTurn()));
    assert.strictEqual(err.key, "errors.limit-daily-tokens");
    assert.deepStrictEqual(err.params, { used: 1100, max: 1000 });
    now += 2 * 3600_000; // past midnight
    guard.beforeRequest();
    assert.strictEqual(guard.today.tokens, 0);
  });

  it("restores today's usage kept from before a redeploy, and ignores other days and junk", () => {
    const now = new Date(2026, 5, 1, 12, 0).getTime();
    const guard = new CostGuard({ maxToolRounds: 0, maxTurnTokens: 0, maxDailyTokens: 1000 }, () => now);
    const saved: unknown[] = [];
    guard.onChange = (usage) => {
      saved.push(usage);
    };
    guard.record({ input_tokens: 10 });
    guard.restore({ day: guard.today.day, tokens: 995 });
    guard.restore({ day: "2020-1-1", tokens: 5000 });
    for (const junk of [null, "x", { day: guard.today.day, tokens: -5 }, { day: guard.today.day, tokens: "9" }]) guard.restore(junk);
    assert.strictEqual(guard.today.tokens, 1005);
    assert.deepStrictEqual(saved, [{ day: guard.today.day, tokens: 10 }]);
    limitError(() => guard.beforeRequest());
  });

  describe("daily limit under concurrent requests", () => {
    const limits = { maxToolRounds: 0, maxTurnTokens: 0, maxDailyTokens: 1000 };
    /** Whether a promise has settled after the pending microtasks ran. */
    async function settled(p: Promise<unknown>): Promise<boolean> {
      let done = false;
      p.then(() => (done = true), () => (done = true));
      for (let i = 0; i < 10; i++) await Promise.resolve();
      return done;
    }

    it("starts a request only while counted tokens plus every reservation in flight stay within the limit", async () => {
      const guard = new CostGuard(limits);
      const a = await guard.admit(400);
      const b = await guard.admit(400);
      const c = guard.admit(400);
      assert.strictEqual(await settled(c), false, "800 reserved + 400 > 1000: the third waits");
      // The first ends having used 300: 300 counted + 400 reserved + 400 is still over 1000.
      await guard.record({ input_tokens: 200, output_tokens: 100 });
      a.release();
      assert.strictEqual(await settled(c), false, "300 + 400 + 400 > 1000: still waiting");
      await guard.record({ input_tokens: 100 });
      b.release();
      // Nothing in flight and 400 counted: it starts.
      const third = await c;
      assert.strictEqual(third.reserved, 400);
      // 400 counted + 400 reserved + 200 = 1000 fits exactly; one more token does not.
      const d = await guard.admit(200);
      const e = guard.admit(1);
      assert.strictEqual(await settled(e), false);
      third.release();
      third.release();
      const last = await e;
      // 400 counted + 201 reserved (d and e) + 500 is over 1000: a second release of `third` gave back nothing more.
      const f = guard.admit(500);
      assert.strictEqual(await settled(f), false);
      d.release();
      last.release();
      (await f).release();
    });

    it("lets a request with nothing in flight start while the day is not spent, then refuses the waiting ones", async () => {
      const guard = new CostGuard(limits);
      const big = await guard.admit(5000);
      const waiting = [guard.admit(10), guard.admit(10)];
      assert.strictEqual(await settled(Promise.race(waiting)), false);
      await guard.record({ input_tokens: 1200 });
      big.release();
      for (const w of waiting) {
        const err = await w.then(() => undefined, (e) => e);
        assert.ok(err instanceof ClaudeError);
        assert.strictEqual(err.key, "errors.limit-daily-tokens");
        assert.deepStrictEqual(err.params, { used: 1200, max: 1000 });
      }
    });

    it("wakes waiting requests in arrival order, each seeing the ones admitted before it", async () => {
      const guard = new CostGuard(limits);
      const first = await guard.admit(900);
      const order: number[] = [];
      const waiting = [1, 2, 3].map((n) => guard.admit(450).then((adm) => (order.push(n), adm)));
      first.release();
      const admitted = await Promise.all(waiting.slice(0, 2));
      assert.deepStrictEqual(order, [1, 2], "two of 450 fit in 1000, the third waits");
      assert.strictEqual(await settled(waiting[2]), false);
      admitted[0].release();
      (await waiting[2]).release();
      admitted[1].release();
      assert.deepStrictEqual(order, [1, 2, 3]);
    });

    it("stops waiting when the request is aborted", async () => {
      const guard = new CostGuard(limits);
      const held = await guard.admit(1000);
      const controller = new AbortController();
      const waiting = guard.admit(10, undefined, controller.signal);
      controller.abort();
      const err = await waiting.then(() => undefined, (e) => e);
      assert.strictEqual(err.type, "aborted");
      held.release();
      // The aborted request holds no reservation: 600 + 400 fit at once.
      const a = await guard.admit(600);
      assert.strictEqual(await settled(guard.admit(400)), true);
      a.release();
    });

    it("reserves nothing that holds anyone back without a daily limit", async () => {
      const guard = new CostGuard();
      const all = await Promise.all(Array.from({ length: 50 }, () => guard.admit(1e9)));
      for (const a of all) a.release();
    });

    it("counts a request as kept only once the store has kept it", async () => {
      const guard = new CostGuard(limits);
      let keep: (() => void) | undefined;
      guard.onChange = () => new Promise<void>((resolve) => (keep = resolve));
      const recorded = guard.record({ input_tokens: 5 });
      assert.strictEqual(await settled(recorded), false, "waits for the store");
      keep!();
      await recorded;
      assert.strictEqual(guard.today.tokens, 5);
    });

    it("starts no request before the count kept from before a restart is read", async () => {
      const now = new Date(2026, 5, 1, 12, 0).getTime();
      const guard = new CostGuard(limits, () => now);
      let read!: (saved: unknown) => void;
      guard.restoreFrom(new Promise((resolve) => (read = resolve)));
      const waiting = guard.admit(10);
      assert.strictEqual(await settled(waiting), false, "waits for the stored count");
      read({ day: guard.today.day, tokens: 1000 });
      const err = await waiting.then(() => undefined, (e) => e);
      assert.strictEqual(err?.key, "errors.limit-daily-tokens", "the day was spent before the restart");
      const failed = new CostGuard(limits);
      failed.restoreFrom(Promise.reject(new Error("unreadable")));
      (await failed.admit(10)).release();
    });
  });
});

