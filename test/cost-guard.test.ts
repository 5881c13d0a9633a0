// The cost guard: limits on tool rounds per turn and tokens per turn and per day. When a limit is
// reached the node says so clearly and sends no request.
import assert from "assert";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { chatFlow, loadChat, say } from "./support/chat";
import { helper, nextError, useStandIn } from "./support/nodes";

describe("cost guard in a flow", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
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

  it("shows today's count against the daily limit in the status after each turn, and only with a limit", async () => {
    const statusTexts = (node: any): string[] => node.status.getCalls().filter((c: any) => c.thisValue === node).map((c: any) => c.args[0].text as string);
    let nodes = await loadChat(api, {}, { maxDailyTokens: 5000 });
    api.reply({ content: [{ type: "text", text: "one" }], usage: { input_tokens: 900, output_tokens: 50 } });
    await say(nodes, { payload: "one", conversation_id: "a" });
    api.reply({ content: [{ type: "text", text: "two" }], usage: { input_tokens: 40, output_tokens: 20, cache_read_input_tokens: 100 } });
    await say(nodes, { payload: "two", conversation_id: "b", reset: true });
    const texts = statusTexts(nodes.chat);
    assert.ok(texts.includes("950 tokens · 950 of 5000 today"), texts.join(" | "));
    assert.ok(texts.includes("new conversation · 160 tokens · 1110 of 5000 today"), texts.join(" | "));

    await helper.unload();
    nodes = await loadChat(api, {}, {});
    await say(nodes, { payload: "three", conversation_id: "c" });
    assert.ok(statusTexts(nodes.chat).every((text) => !/today/.test(text)), "no daily count without a limit");
    assert.ok(statusTexts(nodes.chat).some((text) => /^\d+ tokens$/.test(text)));
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
