// Load: hundreds of conversations at once, bursts on one conversation, the per-account limit on
// parallel requests, and memory that stays bounded by the caps and the idle expiry.
import assert from "assert";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { lastUserText } from "./standins/anthropic-standin";
import { loadChat, userTexts } from "./support/chat";
import { collect, useStandIn } from "./support/nodes";
import { ConversationMemory, type ContextLike } from "../nodes/lib/conversation/memory";

const CONVERSATIONS = 300;

/** Runs messages through the node and gathers answers and errors until every one is accounted for. */
function outcomes(nodes: { chat: any; out: any }, count: number): Promise<{ answers: any[]; errors: any[] }> {
  return new Promise((resolve, reject) => {
    const answers: any[] = [];
    const errors: any[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${answers.length + errors.length} of ${count} outcomes`)), 60_000);
    const check = () => {
      if (answers.length + errors.length === count) {
        clearTimeout(timer);
        resolve({ answers, errors });
      }
    };
    nodes.out.on("input", (msg: any) => (answers.push(msg), check()));
    nodes.chat.on("call:error", (call: any) => (errors.push(call.args[1]), check()));
  });
}

describe("load", function () {
  this.timeout(120_000);
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
  });
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  before(() => process.on("warning", onWarning));
  after(() => process.off("warning", onWarning));

  it(`keeps ${CONVERSATIONS} simultaneous conversations apart, failures included`, async () => {
    const nodes = await loadChat(api, { maxMessages: 100 });
    // Every tenth conversation's first turn fails: that must not disturb any other.
    api.fallback = (req) => {
      const text = lastUserText(req.body);
      if (/^first \d*0$/.test(text)) return { status: 400, error: { type: "invalid_request_error", message: `rejected ${text}` } };
      return { content: [{ type: "text", text: `You said: ${text}` }], delayMs: 5 };
    };
    const first = outcomes(nodes, CONVERSATIONS);
    for (let i = 0; i < CONVERSATIONS; i++) nodes.chat.receive({ payload: `first ${i}`, conversation_id: `conv-${i}` });
    const round1 = await first;
    assert.strictEqual(round1.errors.length, CONVERSATIONS / 10);
    for (const msg of round1.errors) assert.match(msg.error.message, new RegExp(`rejected first ${msg.conversation_id.slice(5)}`));
    for (const msg of round1.answers) assert.strictEqual(msg.payload, `You said: first ${msg.conversation_id.slice(5)}`, "each answer reached its own conversation");

    const second = outcomes(nodes, CONVERSATIONS);
    for (let i = 0; i < CONVERSATIONS; i++) nodes.chat.receive({ payload: `second ${i}`, conversation_id: `conv-${i}` });
    const round2 = await second;
    assert.strictEqual(round2.errors.length, 0);
    const secondRequests = api.messageRequests.filter((r) => lastUserText(r.body).startsWith("second "));
    assert.strictEqual(secondRequests.length, CONVERSATIONS);
    for (const request of secondRequests) {
      const i = Number(lastUserText(request.body).slice("second ".length));
      const expected = i % 10 === 0 ? [`second ${i}`] : [`first ${i}`, `second ${i}`];
      assert.deepStrictEqual(userTexts(request.body), expected, `conversation ${i} saw only its own history`);
    }
    assert.deepStrictEqual(warnings, [], "no warnings (such as listener leaks) under load");
  });

  it("answers a burst on one conversation in arrival order, each turn seeing all before it", async () => {
    const nodes = await loadChat(api, { maxMessages: 1000 });
    const burst = 60;
    const answers = collect(nodes.out, burst, 60_000);
    for (let i = 0; i < burst; i++) nodes.chat.receive({ payload: `m${i}`, conversation_id: "burst" });
    const got = await answers;
    assert.deepStrictEqual(
      got.map((m) => m.payload),
      Array.from({ length: burst }, (_, i) => `You said: m${i}`),
    );
    const last = api.messageRequests[burst - 1].body;
    assert.deepStrictEqual(userTexts(last), Array.from({ length: burst }, (_, i) => `m${i}`));
  });

  it("keeps a bursting conversation within its message cap, in whole turns", async () => {
    const nodes = await loadChat(api, { maxMessages: 10 });
    const burst = 40;
    const answers = collect(nodes.out, burst, 60_000);
    for (let i = 0; i < burst; i++) nodes.chat.receive({ payload: `m${i}`, conversation_id: "capped" });
    await answers;
    for (const [k, request] of api.messageRequests.entries()) {
      const { messages } = request.body;
      assert.ok(messages.length <= 11, `request ${k} carried ${messages.length} messages`);
      assert.strictEqual(messages[0].role, "user", "history starts with a user turn");
      // Whole turns, the newest ones, in order: a run of messages that ends with this one.
      const texts = userTexts(request.body);
      const first = k - texts.length + 1;
      assert.deepStrictEqual(texts, Array.from({ length: texts.length }, (_, j) => `m${first + j}`), `request ${k}`);
    }
    const stored = nodes.chat.context().get("conversation_capped");
    assert.ok(stored.messages.length <= 10 && stored.messages.length > 0, `stored ${stored.messages.length} messages`);
  });

  it("queues requests over the account's parallel limit instead of failing them", async () => {
    const nodes = await loadChat(api, {}, { maxConcurrent: 3 });
    api.fallback = (req) => ({ content: [{ type: "text", text: `You said: ${lastUserText(req.body)}` }], delayMs: 20 });
    const count = 30;
    const all = outcomes(nodes, count);
    for (let i = 0; i < count; i++) nodes.chat.receive({ payload: `q${i}`, conversation_id: `q-${i}` });
    const { answers, errors } = await all;
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(answers.length, count);
    assert.strictEqual(api.peakActive, 3, "never more than the limit in flight, and the limit used");
  });

  it("sends without a limit when the account has none", async () => {
    const nodes = await loadChat(api);
    api.fallback = (req) => ({ content: [{ type: "text", text: `You said: ${lastUserText(req.body)}` }], delayMs: 100 });
    const all = outcomes(nodes, 20);
    for (let i = 0; i < 20; i++) nodes.chat.receive({ payload: `p${i}`, conversation_id: `p-${i}` });
    await all;
    assert.ok(api.peakActive > 3, `requests ran in parallel (peak ${api.peakActive})`);
  });

  it("expires idle conversations in the node's context store, however many there are", async () => {
    const nodes = await loadChat(api);
    const context = nodes.chat.context() as unknown as ContextLike;
    let now = Date.now();
    const memory = new ConversationMemory(context, { idleMinutes: 30, maxMessages: 40 }, () => now);
    const reply = [{ type: "text" as const, text: "ok" }];
    for (let i = 0; i < 2000; i++) await memory.save(`idle-${i}`, [{ role: "user", content: `hi ${i}` }, { role: "assistant", content: reply }]);
    now += 10 * 60_000;
    for (let i = 0; i < 100; i++) await memory.save(`busy-${i}`, [{ role: "user", content: `hi ${i}` }, { role: "assistant", content: reply }]);
    now += 25 * 60_000;
    assert.strictEqual(await memory.sweep(), 2000, "every idle conversation was removed");
    const keys: string[] = nodes.chat.context().keys();
    assert.strictEqual(keys.length, 100, "only the recent conversations are left");
    assert.deepStrictEqual((await memory.load("idle-7")).messages, []);
    assert.strictEqual((await memory.load("busy-7")).messages.length, 2);
  });
});
