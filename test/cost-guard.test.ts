// The cost guard: limits on tool rounds per turn and tokens per turn and per day. When a limit is
// reached the node says so clearly and sends no request.
import assert from "assert";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { chatFlow, loadChat, say } from "./support/chat";
import { helper, nextError, useStandIn } from "./support/nodes";
import { totalTokens } from "../nodes/lib/api/usage";

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

  it("counts a stream that ends without a stop reason once", async () => {
    const nodes = await loadChat(api, {}, { maxDailyTokens: 100_000 });
    api.reply({ content: [{ type: "text", text: "Half an ans" }], usage: { input_tokens: 100, output_tokens: 10 }, omitMessageDelta: true });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "cut" });
    assert.strictEqual((await failed).msg.error.type, "incomplete_response");
    // message_start reports the input and the first output token; the rest never came.
    assert.strictEqual(helper.getNode("account").account.guard.today.tokens, 101);
  });

  it("holds the daily limit under a burst of 100 turns: at most one request's worth over, the rest refused", async () => {
    const limit = 2000;
    const nodes = await loadChat(api, {}, { maxDailyTokens: limit, maxTokens: 250 });
    // Each answer is about 229 tokens, as the stand-in counts them from the text; each request sets aside
    // its max_tokens (250) and its input estimate, so a handful fit in the day's 2,000 at once.
    api.fallback = () => ({ content: [{ type: "text", text: "word ".repeat(170) }], delayMs: 30 });
    const answers: any[] = [];
    const errors: any[] = [];
    const all = new Promise<void>((resolve) => {
      const check = () => answers.length + errors.length === 100 && resolve();
      nodes.out.on("input", (msg: any) => (answers.push(msg), check()));
      nodes.chat.on("call:error", (call: any) => (errors.push(call.args[1]), check()));
    });
    for (let i = 0; i < 100; i++) nodes.chat.receive({ payload: `turn ${i}`, conversation_id: `burst-${i}` });
    await all;

    const perTurn = answers.map((m) => totalTokens(m.claude.usage));
    const spent = perTurn.reduce((a, b) => a + b, 0);
    const oneRequest = Math.max(...perTurn);
    assert.ok(oneRequest > 200 && oneRequest < 250, `each turn used about 229 tokens (${oneRequest})`);
    assert.strictEqual(helper.getNode("account").account.guard.today.tokens, spent, "the count is what the answers used");
    assert.strictEqual(api.messageRequests.length, answers.length, "a refused turn sent no request");
    assert.ok(spent <= limit + oneRequest, `spent ${spent} of ${limit}: at most one request over`);
    assert.ok(spent >= limit, `spent ${spent}: the day's tokens were used, not refused early`);
    assert.ok(errors.length > 80, `${errors.length} refused`);
    for (const msg of errors) assert.strictEqual(msg.error.type, "cost_limit", msg.error.message);
  });

  it("hands an answer on only once the store has kept its tokens", async () => {
    const nodes = await loadChat(api, {}, { maxDailyTokens: 100_000 });
    const guard = helper.getNode("account").account.guard;
    const keep = guard.onChange;
    assert.ok(keep, "the count is kept in context");
    let release: (() => void) | undefined;
    guard.onChange = (usage: any) => new Promise<void>((resolve) => (release = () => resolve(keep(usage))));
    let answered = false;
    const answer = say(nodes, { payload: "count me", conversation_id: "c1" }).then((msg) => ((answered = true), msg));
    while (!release) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(answered, false, "no answer while the count is being written");
    release();
    assert.strictEqual((await answer).payload, "You said: count me");
  });
});

