// Conversations that outgrow the model's context window: the stand-in enforces a window it is given
// (400 "prompt is too long", and the stop reason model_context_window_exceeded), and the conversation
// node keeps answering: bounded in tokens ahead of time, and making room once when the API says so.
import assert from "assert";
import { historyProblem } from "../nodes/lib/conversation/history";
import { AnthropicStandIn, DEFAULT_MODELS, lastUserText, promptTokens } from "./standins/anthropic-standin";
import { chatFlow, chatWithToolFlow, loadChat, say } from "./support/chat";
import { ALL_NODES, KEY, argsOf, helper, nextMessage, useStandIn } from "./support/nodes";

const WINDOW = 4000;
/** About 500 tokens of text, different each turn. */
const long = (n: number) => `Message ${n}: ` + "the kitchen light and the hallway sensor ".repeat(50);

/** The warnings about the context window (others, such as the store's durability, are not this test's). */
function windowWarnings(node: any): string[] {
  return argsOf(node, "warn").map((a) => String(a[0])).filter((w) => /context window/.test(w));
}

/** The model's entry says how large its window is (or, to test the API's answer, too large a one). */
function modelWindow(api: AnthropicStandIn, maxInputTokens: number): void {
  api.models = DEFAULT_MODELS.map((m) => (m.id === "claude-haiku-4-5" ? { ...m, max_input_tokens: maxInputTokens } : m));
}

describe("context window", function () {
  this.timeout(60_000);
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
    api.contextLimit = WINDOW;
  });

  it("the stand-in refuses a prompt over its window and cuts an answer that does not fit", async () => {
    const nodes = await loadChat(api, { maxHistoryTokens: 0 });
    modelWindow(api, 1_000_000);
    api.reply({ content: [{ type: "text", text: "x".repeat(4 * WINDOW) }] });
    const failed = new Promise<any>((resolve) => nodes.chat.on("call:error", (call: any) => resolve(call.args)));
    nodes.chat.receive({ payload: "hello", conversation_id: "a" });
    const [text] = await failed;
    assert.match(String(text), /no longer fits in the model's context window/, "a stop at model_context_window_exceeded with nothing to drop is the error");
    const refused = await fetch(`${api.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "y".repeat(5 * WINDOW) }] }),
    });
    assert.strictEqual(refused.status, 400);
    const body: any = await refused.json();
    assert.strictEqual(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /^prompt is too long: \d+ tokens > 4000 maximum$/);
  });

  it("a conversation growing far past the window keeps getting answers, bounded by the model's window", async () => {
    modelWindow(api, WINDOW);
    const nodes = await loadChat(api);
    for (let n = 1; n <= 30; n++) {
      const msg = await say(nodes, { payload: long(n), conversation_id: "house" });
      assert.match(msg.payload, new RegExp(`^You said: Message ${n}:`));
    }
    const requests = api.messageRequests;
    assert.strictEqual(requests.length, 30, "no request was refused or retried");
    assert.ok(requests.every((r) => promptTokens(r.body) <= WINDOW));
    assert.ok(requests[29].body.messages.length < 10, "old turns were dropped");
    assert.ok(requests[29].body.messages.length >= 2 + 1, "recent turns were kept");
    assert.deepStrictEqual(windowWarnings(nodes.chat), []);
    const stored = nodes.chat.context().get("conversation_house");
    assert.strictEqual(historyProblem(stored.messages), undefined);
    assert.ok(stored.tokens <= 0.6 * WINDOW, `stored ${stored.tokens} tokens`);
  });

  for (const [how, shortAnswers] of [["the API refuses the prompt (400 prompt is too long)", true], ["the answer stops at model_context_window_exceeded", false]] as const) {
    it(`without a cap that fits, it makes room when ${how}: an answer and one warning`, async () => {
      modelWindow(api, 1_000_000);
      if (shortAnswers) api.fallback = (req) => ({ content: [{ type: "text", text: `Noted: ${lastUserText(req.body).slice(0, 11)}` }] });
      const nodes = await loadChat(api, { maxHistoryTokens: 0, maxMessages: 0 });
      const answers: string[] = [];
      for (let n = 1; n <= 12; n++) answers.push((await say(nodes, { payload: long(n), conversation_id: "house" })).payload);
      answers.forEach((a, i) => assert.match(a, new RegExp(`^(You said|Noted): Message ${i + 1}\\b`)));
      const refused = api.messageRequests.filter((r) => promptTokens(r.body) > WINDOW).length;
      const retries = api.messageRequests.length - 12;
      assert.ok(retries >= 2, `room was made more than once (${retries})`);
      if (shortAnswers) assert.strictEqual(refused, retries, "each retry followed a refused prompt");
      else assert.strictEqual(refused, 0, "each retry followed a cut answer");
      const warnings = windowWarnings(nodes.chat);
      assert.strictEqual(warnings.length, retries, "one warning each time room was made");
      assert.ok(warnings.every((w) => /no longer fitted in the model's context window: its \d+ oldest messages were dropped/.test(w)));
      const stored = nodes.chat.context().get("conversation_house");
      assert.strictEqual(historyProblem(stored.messages), undefined, "the stored history is consistent");
      assert.match(lastUserText({ messages: stored.messages.slice(0, -1) }), /^Message 12:/);
      assert.ok(!JSON.stringify(stored.messages).includes("Message 1:"), "the oldest turns are gone");
    });
  }

  it("does not send an answer again once its text has left the stream output: the turn fails instead", async () => {
    modelWindow(api, 1_000_000);
    const flow = [...chatFlow(api.url, { maxHistoryTokens: 0, maxMessages: 0, stream: true, streamInterval: 0, wires: [["out"], ["parts"]] }), { id: "parts", type: "helper", z: "tab" }];
    await helper.load(ALL_NODES, flow, { account: { apiKey: KEY } });
    const nodes = { chat: helper.getNode("chat"), out: helper.getNode("out") };
    const parts: any[] = [];
    helper.getNode("parts").on("input", (msg: any) => parts.push(msg));
    let failedTurn: { n: number; error: string; requests: number } | undefined;
    for (let n = 1; n <= 12 && !failedTurn; n++) {
      const before = api.messageRequests.length;
      const outcome = await new Promise<{ error?: string }>((resolve) => {
        nodes.out.once("input", () => resolve({}));
        nodes.chat.once("call:error", (call: any) => resolve({ error: String(call.args[0]) }));
        nodes.chat.receive({ payload: long(n), conversation_id: "house" });
      });
      if (outcome.error) failedTurn = { n, error: outcome.error, requests: api.messageRequests.length - before };
    }
    assert.ok(failedTurn, "an answer outgrew the window while it was streamed");
    assert.match(failedTurn.error, /no longer fits in the model's context window/);
    assert.strictEqual(failedTurn.requests, 1, "the cut answer was not asked for again");
    // Messages are delivered asynchronously: the last part may arrive just after the error.
    for (let waited = 0; !parts[parts.length - 1]?.stream.last && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    const last = parts[parts.length - 1];
    assert.strictEqual(last.stream.failed, true, "the stream ends saying the turn failed");
    const streamed = parts.filter((p) => p.stream.turn === last.stream.turn).map((p) => p.payload).join("");
    assert.ok(streamed.startsWith(`You said: Message ${failedTurn.n}:`), "the cut answer's text had gone out");
    assert.deepStrictEqual(windowWarnings(nodes.chat), [], "no room was made");
    const stored = nodes.chat.context().get("conversation_house");
    assert.ok(!JSON.stringify(stored.messages).includes(`Message ${failedTurn.n}:`), "the failed turn left the conversation as it was");
  });

  it("large tool results every turn do not break the conversation", async () => {
    modelWindow(api, WINDOW);
    await helper.load(
      ALL_NODES,
      chatWithToolFlow(api.url, { name: "states" }),
      { account: { apiKey: KEY } },
    );
    const chat = helper.getNode("chat");
    const out = helper.getNode("out");
    const result = helper.getNode("result");
    // About 1,500 tokens of entity states for every call.
    helper.getNode("calls").on("input", (msg: any) => result.receive({ ...msg, payload: "light.kitchen: on; ".repeat(300) }));
    let call = 0;
    api.fallback = (req) => {
      const last = req.body.messages[req.body.messages.length - 1];
      if (Array.isArray(last.content) && last.content[0]?.type === "tool_result") return { content: [{ type: "text", text: "All lights are on." }] };
      return { content: [{ type: "tool_use", id: `toolu_${++call}`, name: "states", input: {} }] };
    };
    for (let n = 1; n <= 15; n++) {
      const answer = nextMessage(out);
      chat.receive({ payload: `How is the house? (${n})`, conversation_id: "house" });
      assert.strictEqual((await answer).payload, "All lights are on.");
    }
    assert.strictEqual(call, 15, "every turn called the tool");
    assert.deepStrictEqual(windowWarnings(chat), [], "the token cap made room ahead of time");
    assert.ok(api.messageRequests.every((r) => promptTokens(r.body) <= WINDOW));
    const stored = chat.context().get("conversation_house");
    assert.strictEqual(historyProblem(stored.messages), undefined);
    assert.ok(stored.messages.length < 15 * 4, "old turns were dropped");
  });
});
