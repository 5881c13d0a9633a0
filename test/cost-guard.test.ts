// The cost guard: limits on tool rounds per turn and tokens per turn and per day. When a limit is
// reached the node says so clearly and sends no request.
import assert from "assert";
import { CostGuard, totalTokens } from "../nodes/lib/cost-guard";
import { ClaudeNodeError } from "../nodes/lib/errors";
import { IdleWatchdog } from "../nodes/lib/watchdog";
import type { AnthropicStandIn } from "./support/anthropic-standin";
import { chatFlow, loadChat, say, withStandIn } from "./support/chat";
import { helper, nextError } from "./support/nodes";

function limitError(fn: () => void): ClaudeNodeError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClaudeNodeError);
    assert.strictEqual(err.type, "cost_limit");
    return err;
  }
  assert.fail("no limit was hit");
}

describe("cost guard", () => {
  describe("the accounting", () => {
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

  describe("in a flow", function () {
    const suite = withStandIn();
    let api: AnthropicStandIn;
    beforeEach(() => {
      api = suite.api;
    });

    const call = (id: string) => ({ content: [{ type: "tool_use", id, name: "lights", input: {} }] });

    it("stops a turn at the account's tool-round limit without another request", async () => {
      const nodes = await loadChat(api, { toolMode: "none" }, { maxToolRounds: 2 });
      await say(nodes, { payload: "remember 42", conversation_id: "c1" });
      const stored = nodes.chat.context().get("conversation_c1");
      api.reply(call("t1"), call("t2"), call("t3"), call("t4"));
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "loop forever", conversation_id: "c1" });
      const { text, msg } = await failed;
      assert.match(text, /The Claude account allows at most 2 tool rounds per turn \(cost guard\); the turn was stopped and no further request was sent/);
      assert.strictEqual(msg.error.type, "cost_limit");
      assert.strictEqual(api.messageRequests.length, 1 + 3, "two tool rounds answered, the third call never ran or was sent back");
      assert.deepStrictEqual(nodes.chat.context().get("conversation_c1"), stored, "the history is as before");
    });

    it("stops a turn over its token limit and sends nothing more", async () => {
      const nodes = await loadChat(api, { toolMode: "none" }, { maxTurnTokens: 500 });
      api.reply({ ...call("t1"), usage: { input_tokens: 400, output_tokens: 150 } });
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "expensive", conversation_id: "c1" });
      const { text } = await failed;
      assert.match(text, /This turn has used 550 tokens, the Claude account's limit per turn is 500 \(cost guard\); no further request was sent/);
      assert.strictEqual(api.messageRequests.length, 1);
      const next = await say(nodes, { payload: "cheap", conversation_id: "c1" });
      assert.strictEqual(next.payload, "You said: cheap", "the next turn has its own budget");
    });

    it("refuses every request once the day's tokens are spent, and keeps the count over a redeploy", async () => {
      const extra = { maxDailyTokens: 1000 };
      let nodes = await loadChat(api, {}, extra);
      api.reply({ content: [{ type: "text", text: "big" }], usage: { input_tokens: 900, output_tokens: 50 } });
      await say(nodes, { payload: "one", conversation_id: "a" });
      api.reply({ content: [{ type: "text", text: "big" }], usage: { input_tokens: 40, output_tokens: 20, cache_read_input_tokens: 100 } });
      await say(nodes, { payload: "two", conversation_id: "b" });

      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "three", conversation_id: "c" });
      const { text, msg } = await failed;
      assert.match(text, /The Claude account has used 1110 tokens today, its daily limit is 1000 \(cost guard\); no request was sent/);
      assert.strictEqual(msg.error.type, "cost_limit");
      assert.strictEqual(api.messageRequests.length, 2);

      // A redeploy of the flows does not start the count again.
      await helper.setFlows(chatFlow(api.url, { name: "redeployed" }, { ...extra, name: "redeployed" }), "full");
      nodes = { chat: helper.getNode("chat"), out: helper.getNode("out") };
      const again = nextError(nodes.chat);
      nodes.chat.receive({ payload: "four", conversation_id: "d" });
      assert.match((await again).text, /has used 1110 tokens today/);
      assert.strictEqual(api.messageRequests.length, 2);
    });

    it("counts a failed stream's tokens as far as they are known", async () => {
      const nodes = await loadChat(api, {}, { maxDailyTokens: 100 });
      api.reply({ content: [{ type: "text", text: "a long answer cut short" }], usage: { input_tokens: 150 }, cutAfterEvents: 4 });
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "one" });
      await failed;
      const refused = nextError(nodes.chat);
      nodes.chat.receive({ payload: "two" });
      assert.match((await refused).text, /has used 151 tokens today/);
      assert.strictEqual(api.messageRequests.length, 1);
    });
  });
});

describe("idle watchdog", () => {
  it("fires only after a quiet period, and never after stop", async () => {
    let fired = 0;
    const dog = new IdleWatchdog(30, () => fired++);
    dog.touch();
    assert.ok(dog.running);
    dog.stop();
    await new Promise((r) => setTimeout(r, 60));
    assert.strictEqual(fired, 0);
    dog.touch();
    await new Promise((r) => setTimeout(r, 60));
    assert.strictEqual(fired, 1);
    assert.ok(!dog.running);
  });

  it("does nothing with no timeout", () => {
    const dog = new IdleWatchdog(0, () => assert.fail("fired"));
    dog.touch();
    assert.ok(!dog.running);
  });
});
