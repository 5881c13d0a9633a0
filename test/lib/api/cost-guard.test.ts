// The cost guard's accounting: limits on tool rounds per turn and tokens per turn and per day.
import assert from "assert";
import { CostGuard } from "../../../nodes/lib/api/cost-guard";
import { ClaudeError } from "../../../nodes/lib/errors";
import { totalTokens } from "../../../nodes/lib/conversation/turn";

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
    guard.onChange = (usage) => saved.push(usage);
    guard.record({ input_tokens: 10 });
    guard.restore({ day: guard.today.day, tokens: 995 });
    guard.restore({ day: "2020-1-1", tokens: 5000 });
    for (const junk of [null, "x", { day: guard.today.day, tokens: -5 }, { day: guard.today.day, tokens: "9" }]) guard.restore(junk);
    assert.strictEqual(guard.today.tokens, 1005);
    assert.deepStrictEqual(saved, [{ day: guard.today.day, tokens: 10 }]);
    limitError(() => guard.beforeRequest());
  });
});
