// The conversation node's second output: the text as Claude writes it, in the real Node-RED runtime
// against the stand-in's real SSE streams.
import assert from "assert";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { ALL_NODES, KEY, account, helper, nextError, nextMessage, useStandIn } from "./support/nodes";

interface StreamNodes {
  chat: any;
  out: any;
  parts: any;
}

async function load(api: AnthropicStandIn, conversation: Record<string, unknown> = {}, accountExtra: Record<string, unknown> = {}): Promise<StreamNodes> {
  const flow = [
    { id: "tab", type: "tab", label: "test" },
    account(api.url, accountExtra),
    { id: "chat", type: "claude-conversation", z: "tab", config: "account", stream: true, streamInterval: 40, outputs: 2, wires: [["out"], ["parts"]], ...conversation },
    { id: "out", type: "helper", z: "tab" },
    { id: "parts", type: "helper", z: "tab" },
  ];
  await helper.load(ALL_NODES, flow, { account: { apiKey: KEY } });
  return { chat: helper.getNode("chat"), out: helper.getNode("out"), parts: helper.getNode("parts") };
}

/** Every partial message of the next turn, up to the one marked last. */
function partsOfTurn(node: any, timeoutMs = 10_000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const got: any[] = [];
    const timer = setTimeout(() => reject(new Error(`the stream did not end (${got.length} parts)`)), timeoutMs);
    // Listeners stay (removing one while Node-RED calls a node's listeners breaks its loop).
    let ended = false;
    node.on("input", (msg: any) => {
      if (ended) return;
      got.push(msg);
      if (msg.stream?.last) {
        ended = true;
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

const LONG = "Streaming lets a chat show the answer while Claude is still writing it. ".repeat(8);

describe("claude-conversation streaming output", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
  });

  it("sends the text as it is written, paced, adding up to the answer, with the input's properties", async () => {
    const nodes = await load(api);
    api.reply({ content: [{ type: "text", text: LONG }], eventGapMs: 4 });
    // One log of both outputs in arrival order (a node's listeners must not be mixed with `once`).
    const arrivals: Array<[string, any]> = [];
    const ended = new Promise<void>((resolve) => {
      nodes.parts.on("input", (msg: any) => arrivals.push(["part", msg]));
      nodes.out.on("input", (msg: any) => {
        arrivals.push(["answer", msg]);
        resolve();
      });
    });
    nodes.chat.receive({ payload: "Explain streaming", conversation_id: "c1", _client: { socketId: "sock-1" }, chatId: 77, topic: "t" });
    await ended;
    const got = arrivals.filter(([kind]) => kind === "part").map(([, msg]) => msg);
    const final = arrivals[arrivals.length - 1][1];
    const answeredAfter = arrivals.length - 1;
    assert.strictEqual(final.payload, LONG);
    assert.strictEqual(final.stream, undefined, "the answer on output 1 is no partial");
    assert.strictEqual(got.map((p) => p.payload).join(""), final.payload, "the parts add up to the answer");
    assert.strictEqual(answeredAfter, got.length, `the last part leaves before the answer (${answeredAfter} of ${got.length})`);
    const deltas = Math.ceil(LONG.length / 16);
    assert.ok(got.length >= 2 && got.length < deltas / 2, `paced: ${got.length} parts for ${deltas} text events`);
    got.forEach((p, i) => {
      assert.deepStrictEqual(p.stream, { turn: got[0].stream.turn, index: i, last: i === got.length - 1 });
      assert.strictEqual(p.conversation_id, "c1");
      assert.deepStrictEqual(p._client, { socketId: "sock-1" });
      assert.strictEqual(p.chatId, 77);
      assert.strictEqual(p.topic, "t");
      assert.strictEqual(p.claude, undefined, "a part carries no final answer data");
    });
    assert.ok(got[0].payload.length > 0 && got[0].payload.length < LONG.length / 2, "the first part comes early");

    // the next turn gets the next number
    api.reply({ content: [{ type: "text", text: "Short." }] });
    arrivals.length = 0;
    nodes.chat.receive({ payload: "And?", conversation_id: "c1" });
    while (!arrivals.some(([kind]) => kind === "answer")) await new Promise((r) => setTimeout(r, 10));
    const second = arrivals.filter(([kind]) => kind === "part").map(([, msg]) => msg);
    assert.strictEqual(second[0].stream.turn, got[0].stream.turn + 1);
    assert.strictEqual(second.map((p) => p.payload).join(""), "Short.");
  });

  it("streams the text of tool rounds and around server tools in order, as the answer joins it", async () => {
    const flow = [
      { id: "tab", type: "tab", label: "test" },
      account(api.url, { webSearch: true }),
      { id: "chat", type: "claude-conversation", z: "tab", config: "account", stream: true, streamInterval: 0, outputs: 2, wires: [["out"], ["parts"]] },
      { id: "tool", type: "claude-tool", z: "tab", name: "get_weather", mode: "plain", timeout: 30, wires: [["calls"]] },
      { id: "calls", type: "helper", z: "tab" },
      { id: "result", type: "claude-tool-result", z: "tab" },
      { id: "out", type: "helper", z: "tab" },
      { id: "parts", type: "helper", z: "tab" },
    ];
    await helper.load(ALL_NODES, flow, { account: { apiKey: KEY } });
    helper.getNode("calls").on("input", (msg: any) => helper.getNode("result").receive({ ...msg, payload: "sunny" }));
    const parts = helper.getNode("parts");
    api.reply({ content: [{ type: "text", text: "Let me check the weather." }, { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }], stop_reason: "tool_use" });
    api.reply({
      content: [
        { type: "text", text: "Now a search." },
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "forecast" } },
        { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
        { type: "text", text: "Sunny all week." },
      ],
    });
    const got = partsOfTurn(parts);
    const answer = nextMessage(helper.getNode("out"));
    helper.getNode("chat").receive({ payload: "Weather?", conversation_id: "w" });
    const [streamed, final] = await Promise.all([got, answer]);
    assert.strictEqual(final.payload, "Let me check the weather.\n\nNow a search.\n\nSunny all week.");
    assert.strictEqual(streamed.map((p) => p.payload).join(""), final.payload);
  });

  it("ends a failed turn's stream with a part saying so, and the failure still reaches Catch", async () => {
    const nodes = await load(api);
    api.reply({ content: [{ type: "text", text: LONG }], cutAfterEvents: 12, eventGapMs: 2 });
    const parts = partsOfTurn(nodes.parts);
    const failed = nextError(nodes.chat);
    let answered = false;
    nodes.out.on("input", () => (answered = true));
    nodes.chat.receive({ payload: "Explain", conversation_id: "c1" });
    const [got, error] = await Promise.all([parts, failed]);
    const last = got[got.length - 1];
    assert.strictEqual(last.stream.last, true);
    assert.strictEqual(last.stream.failed, true);
    assert.ok(last.payload.endsWith(`(The answer failed: ${error.text})`), last.payload);
    const streamedText = got.map((p) => p.payload).join("");
    assert.ok(streamedText.startsWith(LONG.slice(0, 16)), "the text before the failure came first");
    assert.strictEqual(answered, false, "no answer on output 1");
    assert.strictEqual(got.filter((p) => p.stream.failed).length, 1);
  });

  it("never shows the API key in a failed stream's notice", async () => {
    const nodes = await load(api);
    api.reply({ status: 400, error: { type: "invalid_request_error", message: `key ${KEY} is not allowed here` } });
    const parts = partsOfTurn(nodes.parts);
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi", conversation_id: "c1" });
    const [got, error] = await Promise.all([parts, failed]);
    assert.strictEqual(got.length, 1);
    assert.strictEqual(got[0].stream.failed, true);
    assert.ok(got[0].payload.includes("is not allowed here"), got[0].payload);
    assert.ok(!got[0].payload.includes(KEY), "the key is not in the notice");
    assert.ok(!error.text.includes(KEY));
  });

  it("sends a stream again when it failed before any of its text went out, and not after", async () => {
    const nodes = await load(api, { streamInterval: 10_000 }, { retries: 1 });
    // The stream fails before its first text event.
    api.reply({ content: [{ type: "text", text: "Lost words" }], errorEventAfter: 2 });
    api.reply({ content: [{ type: "text", text: "Fresh answer." }] });
    const parts = partsOfTurn(nodes.parts);
    const answer = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Hi", conversation_id: "c1" });
    const [got, final] = await Promise.all([parts, answer]);
    assert.strictEqual(api.messageRequests.length, 2, "sent again");
    assert.strictEqual(final.payload, "Fresh answer.");
    assert.strictEqual(got.map((p) => p.payload).join(""), "Fresh answer.");

    // Now the first text event has gone out before the error: sending again would not continue it.
    api.reply({ content: [{ type: "text", text: "Words already shown to the user" }], errorEventAfter: 5 });
    api.reply({ content: [{ type: "text", text: "Another answer." }] });
    const second = partsOfTurn(nodes.parts);
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Again", conversation_id: "c1" });
    const [streamed] = await Promise.all([second, failed]);
    assert.strictEqual(api.messageRequests.length, 3, "not sent again");
    assert.strictEqual(streamed[0].payload, "Words already sh");
    assert.strictEqual(streamed[streamed.length - 1].stream.failed, true);
  });

  it("has one output and sends no parts without the setting", async () => {
    const flow = [
      { id: "tab", type: "tab", label: "test" },
      account(api.url),
      { id: "chat", type: "claude-conversation", z: "tab", config: "account", wires: [["out"]] },
      { id: "out", type: "helper", z: "tab" },
    ];
    await helper.load(ALL_NODES, flow, { account: { apiKey: KEY } });
    api.reply({ content: [{ type: "text", text: LONG }] });
    let count = 0;
    helper.getNode("out").on("input", () => count++);
    const answer = nextMessage(helper.getNode("out"));
    helper.getNode("chat").receive({ payload: "Hi" });
    const final = await answer;
    assert.strictEqual(final.payload, LONG);
    assert.strictEqual(final.stream, undefined);
    await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(count, 1);
  });
});
