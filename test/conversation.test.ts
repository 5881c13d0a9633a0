import assert from "assert";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { chatFlow, loadChat, say, userTexts } from "./support/chat";
import { ALL_NODES, KEY, collect, helper, nextError, useStandIn } from "./support/nodes";

const flow = chatFlow;
const load = loadChat;

describe("claude-conversation", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
  });

  it("answers with the reply text, the conversation id and msg.claude", async () => {
    const nodes = await load(api);
    api.reply({ content: [{ type: "text", text: "Hello there" }], usage: { input_tokens: 12, output_tokens: 3 } });
    const msg = await say(nodes, { payload: "Hi", conversation_id: "c1" });
    assert.strictEqual(msg.payload, "Hello there");
    assert.strictEqual(msg.conversation_id, "c1");
    assert.strictEqual(msg.claude.model, "claude-haiku-4-5");
    assert.strictEqual(msg.claude.stop_reason, "end_turn");
    assert.deepStrictEqual(msg.claude.usage, { input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    assert.deepStrictEqual(msg.claude.content, [{ type: "text", text: "Hello there" }]);
    const request = api.messageRequests[0];
    assert.strictEqual(request.headers.authorization, `Bearer ${KEY}`);
    assert.strictEqual(request.body.stream, true, "requests stream");
    assert.strictEqual(request.body.max_tokens, 3000);
    assert.strictEqual(request.body.model, "claude-haiku-4-5");
    assert.strictEqual(request.body.temperature, undefined);
  });

  it("continues the node's one conversation when no id comes in, until msg.reset", async () => {
    const nodes = await load(api);
    const msg = await say(nodes, { payload: "I am Ada" });
    assert.strictEqual(msg.conversation_id, "chat", "the node's id names its conversation");
    await say(nodes, { payload: "Who am I?" });
    assert.deepStrictEqual(userTexts(api.messageRequests[1].body), ["I am Ada", "Who am I?"], "the second message carries the first turn");
    const reset = await say(nodes, { payload: "Start over", reset: true });
    assert.deepStrictEqual(userTexts(api.messageRequests[2].body), ["Start over"]);
    assert.ok(nodes.chat.status.getCalls().some((c: any) => c.thisValue === nodes.chat && /^new conversation · \d+ tokens$/.test(c.args[0].text)), "the status says the conversation was reset");
    assert.strictEqual(reset.conversation_id, "chat");
    assert.strictEqual(nodes.chat.warn.getCalls().filter((c: any) => c.thisValue === nodes.chat && /different people/.test(c.args[0])).length, 0, "no warning for one person");
  });

  it("warns once when messages without an id come from different people", async () => {
    const nodes = await load(api);
    // Only the warnings about shared conversations (the deploy warning about the memory store is not one).
    const warnings = () => nodes.chat.warn.getCalls().filter((c: any) => c.thisValue === nodes.chat && !/context store/.test(c.args[0])).map((c: any) => c.args[0]);
    await say(nodes, { payload: "Hi", _client: { socketId: "browser-1" } });
    await say(nodes, { payload: "Again", _client: { socketId: "browser-1" } });
    assert.deepStrictEqual(warnings(), []);
    await say(nodes, { payload: "Hi", _client: { socketId: "browser-2" } });
    assert.strictEqual(warnings().length, 1);
    assert.match(warnings()[0], /different people/);
    await say(nodes, { payload: { chatId: 5, content: "x" } as any, conversation_id: undefined });
    await say(nodes, { payload: "Hi", _client: { socketId: "browser-3" } });
    assert.strictEqual(warnings().length, 1, "only once");
    await say(nodes, { payload: "Hi", _client: { socketId: "browser-4" }, conversation_id: "own" });
    assert.strictEqual(warnings().length, 1);
  });

  it("keeps and replays the history of a conversation, exactly as received", async () => {
    const nodes = await load(api);
    const thinking = { type: "thinking", thinking: "The user greets me.", signature: "sig-abc" };
    api.reply({ content: [thinking, { type: "text", text: "Hello!" }] });
    await say(nodes, { payload: "Hi, I am Ada", conversation_id: "c1" });
    await say(nodes, { payload: "What is my name?", conversation_id: "c1" });
    const second = api.messageRequests[1].body;
    assert.deepStrictEqual(second.messages, [
      { role: "user", content: "Hi, I am Ada" },
      { role: "assistant", content: [thinking, { type: "text", text: "Hello!" }] },
      { role: "user", content: "What is my name?" },
    ]);
  });

  it("drops thinking blocks from the history when the next turn uses another model", async () => {
    const nodes = await load(api);
    const thinking = { type: "thinking", thinking: "The user greets me.", signature: "sig-haiku" };
    api.reply({ content: [thinking, { type: "text", text: "Hello!" }] });
    await say(nodes, { payload: "Hi, I am Ada", conversation_id: "c1" });
    await say(nodes, { payload: "What is my name?", conversation_id: "c1", model: "claude-sonnet-4-6" });
    const second = api.messageRequests[1].body;
    assert.strictEqual(second.model, "claude-sonnet-4-6");
    assert.deepStrictEqual(second.messages, [
      { role: "user", content: "Hi, I am Ada" },
      { role: "assistant", content: [{ type: "text", text: "Hello!" }] },
      { role: "user", content: "What is my name?" },
    ], "another model's signed thinking is not sent");
  });

  it("replays server-tool blocks and citations exactly as received, and reports the citations", async () => {
    const nodes = await load(api, {}, { webSearch: true });
    const citation = { type: "web_search_result_location", url: "https://example.com/w", title: "Weather", encrypted_index: "enc-idx", cited_text: "sunny" };
    const content = [
      { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather" } },
      { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [{ type: "web_search_result", url: "https://example.com/w", title: "Weather", encrypted_content: "enc-content", page_age: null }] },
      { type: "text", text: "It is sunny.", citations: [citation] },
    ];
    api.reply({ content });
    const msg = await say(nodes, { payload: "Weather?", conversation_id: "w" });
    assert.deepStrictEqual(msg.claude.citations, [citation]);
    await say(nodes, { payload: "Thanks", conversation_id: "w" });
    assert.deepStrictEqual(api.messageRequests[1].body.messages[1], { role: "assistant", content });
  });

  it("keeps two conversations apart", async () => {
    const nodes = await load(api);
    await say(nodes, { payload: "I am Ada", conversation_id: "a" });
    await say(nodes, { payload: "I am Bob", conversation_id: "b" });
    await say(nodes, { payload: "Who am I?", conversation_id: "a" });
    await say(nodes, { payload: "Who am I?", conversation_id: "b" });
    assert.deepStrictEqual(userTexts(api.messageRequests[2].body), ["I am Ada", "Who am I?"]);
    assert.deepStrictEqual(userTexts(api.messageRequests[3].body), ["I am Bob", "Who am I?"]);
  });

  it("runs messages of one conversation in arrival order, and other conversations alongside", async () => {
    const nodes = await load(api);
    // The first answer is slow: the second message of "c1" must wait for it, "c2" must not.
    api.reply({ content: [{ type: "text", text: "one" }], delayMs: 300 });
    const answers = collect(nodes.out, 3);
    nodes.chat.receive({ payload: "first", conversation_id: "c1" });
    nodes.chat.receive({ payload: "second", conversation_id: "c1" });
    nodes.chat.receive({ payload: "other", conversation_id: "c2" });
    const got = await answers;
    assert.deepStrictEqual(got.map((m) => m.payload), ["You said: other", "one", "You said: second"]);
    const secondRequest = api.messageRequests.find((r) => userTexts(r.body).includes("second"))!;
    assert.deepStrictEqual(userTexts(secondRequest.body), ["first", "second"], "the second turn sees the first");
  });

  it("leaves the history untouched when a turn fails", async () => {
    const nodes = await load(api);
    await say(nodes, { payload: "remember 42", conversation_id: "c1" });
    api.reply({ status: 400, error: { type: "invalid_request_error", message: "bad thing" } });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "this fails", conversation_id: "c1" });
    const { msg } = await failed;
    assert.deepStrictEqual(msg.error, { message: msg.error.message, type: "invalid_request_error", status: 400, request_id: msg.error.request_id });
    assert.match(msg.error.request_id, /^req_standin_/);
    await say(nodes, { payload: "what number?", conversation_id: "c1" });
    assert.deepStrictEqual(userTexts(api.messageRequests[2].body), ["remember 42", "what number?"]);
  });

  for (const [status, type] of [
    [429, "rate_limit_error"],
    [529, "overloaded_error"],
    [500, "api_error"],
  ] as const) {
    it(`retries after ${status} and then succeeds`, async () => {
      const nodes = await load(api, {}, { retries: 2 });
      api.reply({ status, error: { type, message: "try again" }, headers: { "retry-after-ms": "10" } });
      api.reply({ status, error: { type, message: "try again" }, headers: { "retry-after-ms": "10" } });
      const msg = await say(nodes, { payload: "Hi", conversation_id: "c1" });
      assert.strictEqual(msg.payload, "You said: Hi");
      assert.strictEqual(api.messageRequests.length, 3);
    });
  }

  it("says Claude is overloaded when retries run out", async () => {
    const nodes = await load(api, {}, { retries: 1 });
    for (let i = 0; i < 2; i++) api.reply({ status: 529, error: { type: "overloaded_error", message: "Overloaded" }, headers: { "retry-after-ms": "5" } });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi" });
    const { text, msg } = await failed;
    assert.match(text, /Claude is overloaded right now \(529\), even after retries/);
    assert.strictEqual(msg.error.status, 529);
    assert.strictEqual(api.messageRequests.length, 2);
  });

  it("says the key was refused on 401, without retrying and without the key", async () => {
    const nodes = await load(api, {}, { retries: 2 });
    api.reply({ status: 401, error: { type: "authentication_error", message: "invalid x-api-key" } });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi" });
    const { text, msg } = await failed;
    assert.match(text, /The API key was refused \(401\)\. Check the key in the Claude account node or the ANTHROPIC_API_KEY/);
    assert.strictEqual(msg.error.type, "authentication_error");
    assert.strictEqual(msg.error.status, 401);
    assert.strictEqual(api.messageRequests.length, 1);
    assert.ok(!JSON.stringify(msg).includes(KEY));
  });

  it("reports a stream cut mid-message and stores nothing of it", async () => {
    const nodes = await load(api);
    await say(nodes, { payload: "first", conversation_id: "c1" });
    api.reply({ content: [{ type: "text", text: "a long answer that will be cut in the middle" }], cutAfterEvents: 5 });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "second", conversation_id: "c1" });
    const { msg } = await failed;
    assert.ok(msg.error.type, "msg.error has a type");
    await say(nodes, { payload: "third", conversation_id: "c1" });
    assert.deepStrictEqual(userTexts(api.messageRequests[api.messageRequests.length - 1].body), ["first", "third"]);
  });

  it("renders the instructions template with msg, flow, global, env and the date", async () => {
    process.env.CLAUDE_TEST_HOUSE = "Villa Kunterbunt";
    const nodes = await load(api, {
      instructions: "Speak to {{msg.user}} in {{flow.room}} of {{global.home.name}} ({{env.CLAUDE_TEST_HOUSE}}) on {{date}}.{{msg.missing.deep}}",
    });
    nodes.chat.context().flow.set("room", "the kitchen");
    nodes.chat.context().global.set("home", { name: "Home <Sweet> Home" });
    await say(nodes, { payload: "Hi", user: "Ada" });
    const system = api.messageRequests[0].body.system;
    const today = new Date();
    const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
    assert.strictEqual(system[0].text, `Speak to Ada in the kitchen of Home <Sweet> Home (Villa Kunterbunt) on ${date}.`);
  });

  it("uses msg.instructions instead of the template when given", async () => {
    const nodes = await load(api, { instructions: "template" });
    await say(nodes, { payload: "Hi", instructions: "Answer in French." });
    assert.strictEqual(api.messageRequests[0].body.system[0].text, "Answer in French.");
  });

  describe("prompt caching", () => {
    it("whole conversation: marks the system block and sets the request-level marker", async () => {
      const nodes = await load(api, { instructions: "Be brief." }, { caching: "conversation", cacheTtl: "1h" });
      await say(nodes, { payload: "Hi" });
      const body = api.messageRequests[0].body;
      assert.deepStrictEqual(body.cache_control, { type: "ephemeral", ttl: "1h" });
      assert.deepStrictEqual(body.system, [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral", ttl: "1h" } }]);
    });

    it("instructions and tools: marks the system block only", async () => {
      const nodes = await load(api, { instructions: "Be brief." }, { caching: "system" });
      await say(nodes, { payload: "Hi" });
      const body = api.messageRequests[0].body;
      assert.strictEqual(body.cache_control, undefined);
      assert.deepStrictEqual(body.system, [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }]);
    });

    it("off: no markers at all", async () => {
      const nodes = await load(api, { instructions: "Be brief." }, { caching: "off" });
      await say(nodes, { payload: "Hi" });
      const body = api.messageRequests[0].body;
      assert.strictEqual(body.cache_control, undefined);
      assert.strictEqual(body.system, "Be brief.");
    });
  });

  it("never shows the API key in messages, errors, status or logs", async () => {
    const nodes = await load(api);
    api.reply({ status: 400, error: { type: "invalid_request_error", message: `bad key ${KEY}` } });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi", conversation_id: "c1" });
    await failed;
    const ok = await say(nodes, { payload: "again", conversation_id: "c1" });
    const seen = JSON.stringify([
      ok,
      nodes.chat.error.args,
      nodes.chat.warn.args,
      nodes.chat.log.args,
      nodes.chat.status.args,
      helper.log().args,
      helper.getNode("account").error.args,
    ]);
    assert.ok(seen.length > 100, "something was recorded");
    assert.ok(!seen.includes(KEY), "the key appears somewhere");
    assert.ok(seen.includes("[redacted]"), "an echoed key is redacted");
  });

  it("refuses instructions that hold the key, from any source, before any request", async () => {
    process.env.CLAUDE_TEST_GATEWAY = `token=${KEY};region=eu`;
    try {
      const nodes = await load(api, { instructions: "Hi {{msg.who}}{{flow.who}}{{global.who}}{{#msg.useEnv}}{{env.CLAUDE_TEST_GATEWAY}}{{/msg.useEnv}}" });
      const sources: Array<[string, Record<string, unknown>, () => void]> = [
        ["msg", { who: `the owner of ${KEY}` }, () => undefined],
        ["flow", {}, () => nodes.chat.context().flow.set("who", [KEY].join(""))],
        ["global", {}, () => nodes.chat.context().global.set("who", `x${KEY}x`)],
        ["an environment variable holding it among other text", { useEnv: true }, () => undefined],
        ["msg.instructions", { instructions: `Never say ${KEY}` }, () => undefined],
      ];
      for (const [source, extra, arrange] of sources) {
        arrange();
        const failed = nextError(nodes.chat);
        nodes.chat.receive({ payload: "Hi", conversation_id: "c1", ...extra });
        const { text, msg } = await failed;
        assert.match(text, /The instructions hold the account's API key/, source);
        assert.strictEqual(msg.error.type, "invalid_input");
        assert.ok(!JSON.stringify(msg.error).includes(KEY));
        nodes.chat.context().flow.set("who", undefined);
        nodes.chat.context().global.set("who", undefined);
      }
      assert.strictEqual(api.messageRequests.length, 0, "nothing was sent");
      await say(nodes, { payload: "Hi", who: "Ada" });
      assert.strictEqual(api.messageRequests[0].body.system[0].text, "Hi Ada");
    } finally {
      delete process.env.CLAUDE_TEST_GATEWAY;
    }
  });

  it("trims a key pasted with a newline, and redacts it in every field of msg.error", async () => {
    await helper.load(ALL_NODES, flow(api.url), { account: { apiKey: `  ${KEY}\r\n` } });
    const nodes = { chat: helper.getNode("chat"), out: helper.getNode("out") };
    api.reply({ status: 400, error: { type: `invalid_request_error ${KEY}`, message: `bad key ${KEY}` }, headers: { "request-id": `req_${KEY}` }, requestId: `req_${KEY}` });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi" });
    const { text, msg } = await failed;
    assert.strictEqual(api.messageRequests[0].headers.authorization, `Bearer ${KEY}`);
    assert.deepStrictEqual(
      { text, error: msg.error },
      {
        text: "The Claude API rejected the request (400): bad key [redacted]",
        error: { message: "The Claude API rejected the request (400): bad key [redacted]", type: "invalid_request_error [redacted]", status: 400, request_id: "req_[redacted]" },
      },
    );
    assert.ok(!JSON.stringify(nodes.chat.status.args).includes(KEY));
  });

  it("clears a conversation on msg.reset", async () => {
    const nodes = await load(api);
    await say(nodes, { payload: "remember 42", conversation_id: "c1" });
    nodes.chat.receive({ reset: true, payload: "", conversation_id: "c1" });
    await say(nodes, { payload: "fresh start", conversation_id: "c1" });
    assert.deepStrictEqual(userTexts(api.messageRequests[1].body), ["fresh start"]);
    await say(nodes, { payload: "reset and speak", reset: true, conversation_id: "c1" });
    assert.deepStrictEqual(userTexts(api.messageRequests[2].body), ["reset and speak"]);
  });

  it("queues a reset behind the turn before it, so that turn cannot undo it", async () => {
    const nodes = await load(api);
    // The first answer is slow: the reset arrives while that turn is still running.
    api.reply({ content: [{ type: "text", text: "noted" }], delayMs: 300 });
    const first = say(nodes, { payload: "remember 42", conversation_id: "c1" });
    await api.whenRequests(1);
    nodes.chat.receive({ reset: true, payload: "", conversation_id: "c1" });
    await first;
    await say(nodes, { payload: "what number?", conversation_id: "c1" });
    assert.deepStrictEqual(userTexts(api.messageRequests[1].body), ["what number?"], "the reset came after the first turn and cleared it");
    assert.strictEqual(nodes.chat.context().get("conversation_c1").messages.length, 2);
  });

  it("continues a paused server-tool turn and sums usage over all rounds", async () => {
    const nodes = await load(api, {}, { webSearch: true });
    const search = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather" } };
    api.reply({ content: [search], stop_reason: "pause_turn", usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 7 } });
    api.reply({ content: [{ type: "text", text: "Sunny." }], usage: { input_tokens: 20, output_tokens: 2, cache_creation_input_tokens: 4 } });
    const msg = await say(nodes, { payload: "Weather?" });
    assert.strictEqual(msg.payload, "Sunny.");
    assert.deepStrictEqual(msg.claude.usage, { input_tokens: 30, output_tokens: 7, cache_creation_input_tokens: 4, cache_read_input_tokens: 7 });
    const second = api.messageRequests[1].body;
    assert.deepStrictEqual(second.messages[1], { role: "assistant", content: [search] });
    assert.deepStrictEqual(second.tools, [{ type: "web_search_20260318", name: "web_search", max_uses: 5 }]);
  });

  it("delivers what came at max_tokens, with a warning", async () => {
    const nodes = await load(api);
    api.reply({ content: [{ type: "text", text: "It was a dark and" }], stop_reason: "max_tokens" });
    const msg = await say(nodes, { payload: "Tell a story" });
    assert.strictEqual(msg.payload, "It was a dark and");
    assert.strictEqual(msg.claude.stop_reason, "max_tokens");
    assert.ok(nodes.chat.warn.args.some((a: any[]) => /cut short/.test(a[0])));
  });

  it("reports a refusal clearly and stores nothing", async () => {
    const nodes = await load(api);
    api.reply({ content: [{ type: "text", text: "" }], stop_reason: "refusal", stop_details: { type: "refusal", category: null, explanation: "no" } });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "something bad", conversation_id: "c1" });
    const { text, msg } = await failed;
    assert.match(text, /Claude declined to answer this request\. no/);
    assert.strictEqual(msg.error.type, "refusal");
    await say(nodes, { payload: "hello", conversation_id: "c1" });
    assert.deepStrictEqual(userTexts(api.messageRequests[1].body), ["hello"]);
  });

  it("sends effort only to models that take it", async () => {
    const nodes = await load(api, {}, { effort: "low" });
    await say(nodes, { payload: "Hi" });
    await say(nodes, { payload: "Hi", model: "claude-sonnet-4-6" });
    assert.strictEqual(api.messageRequests[0].body.output_config, undefined, "Haiku 4.5 takes no effort");
    assert.deepStrictEqual(api.messageRequests[1].body.output_config, { effort: "low" });
  });

  it("takes per-message overrides of model, max tokens and thinking", async () => {
    const nodes = await load(api);
    await say(nodes, { payload: "Hi", model: "claude-sonnet-4-6", max_tokens: 5000, thinking: 2048 });
    const body = api.messageRequests[0].body;
    assert.strictEqual(body.model, "claude-sonnet-4-6");
    assert.strictEqual(body.max_tokens, 5000);
    assert.deepStrictEqual(body.thinking, { type: "enabled", budget_tokens: 2048, display: "summarized" });
    await say(nodes, { payload: "Hi", model: "claude-sonnet-4-6", thinking: "adaptive" });
    assert.deepStrictEqual(api.messageRequests[1].body.thinking, { type: "adaptive", display: "summarized" });
  });

  it("rejects a thinking budget that does not fit under max tokens", async () => {
    const nodes = await load(api);
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi", thinking: 4000, max_tokens: 3000 });
    const { text } = await failed;
    assert.match(text, /The thinking budget \(4000\) must be less than max tokens \(3000\)/);
    assert.strictEqual(api.messageRequests.length, 0);
  });

  it("sends content blocks as they are", async () => {
    const nodes = await load(api);
    const blocks = [
      { type: "text", text: "What is in this picture?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
    ];
    await say(nodes, { payload: blocks });
    assert.deepStrictEqual(api.messageRequests[0].body.messages[0].content, blocks);
  });

  it("reports empty input without calling Claude", async () => {
    const nodes = await load(api);
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "   " });
    const { text } = await failed;
    assert.match(text, /There is no text to send/);
    assert.strictEqual(api.messageRequests.length, 0);
  });

  it("uses ANTHROPIC_API_KEY when the account has no key", async () => {
    process.env.ANTHROPIC_API_KEY = "sk-from-env";
    try {
      await helper.load(ALL_NODES, flow(api.url), {});
      const nodes = { chat: helper.getNode("chat"), out: helper.getNode("out") };
      await say(nodes, { payload: "Hi" });
      assert.strictEqual(api.messageRequests[0].headers.authorization, "Bearer sk-from-env");
    } finally {
      delete process.env.ANTHROPIC_API_KEY;
    }
  });

  it("ends requests in flight on redeploy without a late message", async () => {
    const nodes = await load(api);
    api.reply({ content: [{ type: "text", text: "too late" }], delayMs: 2000 });
    let late = false;
    const errors: unknown[] = [];
    nodes.out.on("input", () => (late = true));
    nodes.chat.on("call:error", (call: any) => errors.push(call.args));
    nodes.chat.receive({ payload: "Hi" });
    await api.whenRequests(1);
    await helper.unload();
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(late, false);
    assert.deepStrictEqual(errors, [], "a redeploy is not an error");
  });

  it("runs 30 conversations at once without a MaxListenersExceededWarning", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const nodes = await load(api);
      api.fallback = () => ({ content: [{ type: "text", text: "ok" }], delayMs: 100 });
      const answers = collect(nodes.out, 30);
      for (let i = 0; i < 30; i++) nodes.chat.receive({ payload: "hi", conversation_id: `c${i}` });
      assert.strictEqual((await answers).length, 30);
      await new Promise((r) => setImmediate(r));
      assert.deepStrictEqual(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message), []);
    } finally {
      process.off("warning", onWarning);
    }
  });
});
