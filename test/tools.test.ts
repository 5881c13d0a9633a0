import assert from "assert";
import { pendingToolCalls } from "../nodes/runtime/tool-registry";
import { toolSources } from "../nodes/runtime/tool-sources";
import { AnthropicStandIn, toolResults } from "./standins/anthropic-standin";
import { ALL_NODES, KEY, account, collect, helper, nextError, nextMessage, useStandIn } from "./support/nodes";

const WEATHER_SCHEMA = JSON.stringify({
  type: "object",
  properties: { city: { type: "string", minLength: 1 } },
  required: ["city"],
  additionalProperties: false,
});

function toolUse(id: string, name: string, input: unknown) {
  return { type: "tool_use", id, name, input };
}

/** A flow: conversation → out; each tool → its own helper; one tool result node. */
function flow(url: string, tools: Array<Record<string, unknown>>, conversation: Record<string, unknown> = {}) {
  return [
    { id: "tab", type: "tab", label: "test" },
    account(url),
    { id: "chat", type: "claude-conversation", z: "tab", config: "account", wires: [["out"]], ...conversation },
    { id: "out", type: "helper", z: "tab" },
    ...tools.flatMap((tool, i) => [
      { id: `tool${i}`, type: "claude-tool", z: "tab", mode: "plain", timeout: 30, wires: [[`calls${i}`]], ...tool },
      { id: `calls${i}`, type: "helper", z: "tab" },
    ]),
    { id: "result", type: "claude-tool-result", z: "tab" },
  ];
}

async function load(api: AnthropicStandIn, tools: Array<Record<string, unknown>>, conversation: Record<string, unknown> = {}) {
  await helper.load(ALL_NODES, flow(api.url, tools, conversation), { account: { apiKey: KEY } });
  return {
    chat: helper.getNode("chat"),
    out: helper.getNode("out"),
    result: helper.getNode("result"),
    tool: (i = 0) => helper.getNode(`tool${i}`),
    calls: (i = 0) => helper.getNode(`calls${i}`),
  };
}

type Nodes = Awaited<ReturnType<typeof load>>;

/** Answers every call reaching a tool's helper through the real tool result node. */
function answer(nodes: Nodes, i: number, reply: (msg: any) => Record<string, unknown>) {
  nodes.calls(i).on("input", (msg: any) => nodes.result.receive({ ...msg, ...reply(msg) }));
}

/** The arguments of a node method's calls made by this node (the helper spies on the shared prototype). */
function argsOf(node: any, method: "error" | "warn" | "status"): any[][] {
  return node[method].getCalls().filter((c: any) => c.thisValue === node).map((c: any) => c.args);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("tool nodes", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
  });
  afterEach(() => {
    assert.strictEqual(pendingToolCalls.size, 0, "no call is left waiting");
    assert.strictEqual(pendingToolCalls.activeTimers, 0, "no timer is left armed");
  });

  it("sends a call into the flow and its result back to Claude in the same turn", async () => {
    const nodes = await load(api, [{ name: "get_weather", description: "Weather for a city", schema: WEATHER_SCHEMA }]);
    api.reply({ content: [{ type: "text", text: "Let me look." }, toolUse("toolu_1", "get_weather", { city: "Paris" })] });
    api.reply({ content: [{ type: "text", text: "Sunny in Paris." }] });
    const call = nextMessage(nodes.calls());
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Weather in Paris?", conversation_id: "c1", topic: "kitchen", user: { name: "Ada" }, claude: { old: true }, error: { message: "old" } });
    const msg = await call;
    assert.deepStrictEqual(msg.payload, { city: "Paris" });
    assert.deepStrictEqual(msg.tool, { name: "get_weather", id: "toolu_1", conversation_id: "c1" });
    assert.strictEqual(msg.topic, "kitchen");
    assert.deepStrictEqual(msg.user, { name: "Ada" });
    assert.strictEqual(msg.claude, undefined, "msg.claude does not travel");
    assert.strictEqual(msg.error, undefined, "msg.error does not travel");
    assert.ok(!JSON.stringify(msg).includes(KEY));
    assert.ok(argsOf(nodes.chat, "status").some((a: any[]) => a[0].text === "running tool get_weather"), "the conversation shows the running tool");
    nodes.result.receive({ ...msg, payload: { temperature: 21, sky: "clear" } });
    const out = await done;

    assert.strictEqual(out.payload, "Let me look.\n\nSunny in Paris.", "the text of every round");
    assert.deepStrictEqual(out.claude.tool_calls, [{ id: "toolu_1", name: "get_weather", input: { city: "Paris" }, result: '{"temperature":21,"sky":"clear"}', is_error: false }]);
    const [first, second] = api.messageRequests.map((r) => r.body);
    assert.deepStrictEqual(first.tools, [{ name: "get_weather", description: "Weather for a city", input_schema: JSON.parse(WEATHER_SCHEMA) }]);
    assert.deepStrictEqual(toolResults(second), [{ type: "tool_result", tool_use_id: "toolu_1", content: '{"temperature":21,"sky":"clear"}' }]);
    assert.deepStrictEqual(second.messages[1].content[1], toolUse("toolu_1", "get_weather", { city: "Paris" }));
  });

  it("runs parallel calls of one turn at once and returns all results in one message, in call order", async () => {
    const nodes = await load(api, [{ name: "lights" }, { name: "heating" }]);
    api.reply({ content: [toolUse("toolu_a", "lights", { on: true }), toolUse("toolu_b", "heating", { to: 21 }), toolUse("toolu_c", "lights", { on: false })] });
    const lightCalls = collect(nodes.calls(0), 2);
    const heatingCall = nextMessage(nodes.calls(1));
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Evening mode", conversation_id: "c1" });
    // Every call is in the flow before any is answered: they run in parallel.
    const [lights, heating] = await Promise.all([lightCalls, heatingCall]);
    assert.deepStrictEqual(lights.map((m) => m.tool.id), ["toolu_a", "toolu_c"]);
    assert.strictEqual(pendingToolCalls.size, 3);
    nodes.result.receive({ ...heating, payload: "heating set" });
    nodes.result.receive({ ...lights[1], payload: "lights off" });
    nodes.result.receive({ ...lights[0], payload: "lights on" });
    const out = await done;
    const results = api.messageRequests[1].body.messages[2].content;
    assert.deepStrictEqual(results, [
      { type: "tool_result", tool_use_id: "toolu_a", content: "lights on" },
      { type: "tool_result", tool_use_id: "toolu_b", content: "heating set" },
      { type: "tool_result", tool_use_id: "toolu_c", content: "lights off" },
    ]);
    assert.deepStrictEqual(out.claude.tool_calls.map((c: any) => c.result), ["lights on", "heating set", "lights off"]);
  });

  it("gives Claude a timeout error when a tool never answers, and the turn still ends", async () => {
    const nodes = await load(api, [{ name: "slow", timeout: 0.3 }]);
    api.reply({ content: [toolUse("toolu_1", "slow", {})] });
    api.reply({ content: [{ type: "text", text: "The tool did not answer." }] });
    const call = nextMessage(nodes.calls());
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Go", conversation_id: "c1" });
    const msg = await call;
    const called = Date.now();
    await api.whenRequests(2);
    // Wide bounds, for a loaded machine (the call reached the flow a moment after its timer started):
    // not long before the timeout, and far from ten times it (3 s).
    const waited = Date.now() - called;
    assert.ok(waited >= 150 && waited < 2000, `the call waited ${waited} ms for a 0.3 s timeout`);
    const out = await done;
    assert.strictEqual(out.payload, "The tool did not answer.");
    const [result] = toolResults(api.messageRequests[1].body);
    assert.strictEqual(result.is_error, true);
    assert.match(result.content, /Tool "slow" did not answer within 0.3 seconds/);
    assert.strictEqual(out.claude.tool_calls[0].is_error, true);
    assert.ok(argsOf(nodes.tool(), "status").some((a: any[]) => a[0].text === "timed out"));
    // The answer that comes too late is dropped with a clear warning, not a crash.
    nodes.result.receive({ ...msg, payload: "late" });
    assert.match(argsOf(nodes.result, "warn")[0][0], /No call is waiting for this result \(tool "slow", call toolu_1\)/);
    assert.strictEqual(api.messageRequests.length, 2);
  });

  it("waits 30 seconds for a tool whose timeout is left empty", async () => {
    // The timer's duration, read where the call starts waiting: checked exactly, without waiting 30 s.
    const durations: number[] = [];
    const wait = pendingToolCalls.wait;
    pendingToolCalls.wait = function (this: typeof pendingToolCalls, key, options) {
      durations.push(options.timeoutMs);
      return wait.call(this, key, options);
    };
    try {
      const nodes = await load(api, [{ name: "lights", timeout: "" }, { name: "heating", timeout: 4 }]);
      answer(nodes, 0, () => ({ payload: "on" }));
      answer(nodes, 1, () => ({ payload: "warm" }));
      api.reply({ content: [toolUse("toolu_1", "lights", {}), toolUse("toolu_2", "heating", {})] });
      const done = nextMessage(nodes.out);
      nodes.chat.receive({ payload: "Lights and heating on" });
      await done;
    } finally {
      pendingToolCalls.wait = wait;
    }
    assert.deepStrictEqual(durations, [30_000, 4_000]);
  });

  it("never triggers the flow with invalid input, and tells Claude what was wrong", async () => {
    const nodes = await load(api, [{ name: "get_weather", schema: WEATHER_SCHEMA }]);
    api.reply({ content: [toolUse("toolu_1", "get_weather", { town: "Paris" })] });
    api.reply({ content: [{ type: "text", text: "Sorry." }] });
    let triggered = false;
    nodes.calls().on("input", () => (triggered = true));
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Weather?", conversation_id: "c1" });
    const out = await done;
    assert.strictEqual(triggered, false, "the flow never saw the call");
    const [result] = toolResults(api.messageRequests[1].body);
    assert.strictEqual(result.is_error, true);
    assert.match(result.content, /input for tool "get_weather" was rejected/);
    assert.match(result.content, /must have required property 'city'/);
    assert.match(result.content, /must NOT have additional properties \("town"\)/);
    assert.deepStrictEqual(out.claude.tool_calls[0].input, { town: "Paris" });
    assert.strictEqual(out.claude.tool_calls[0].is_error, true);
  });

  it("answers a call to an unknown tool with an error result", async () => {
    const nodes = await load(api, [{ name: "lights" }]);
    api.reply({ content: [toolUse("toolu_1", "unlock_door", {})] });
    api.reply({ content: [{ type: "text", text: "I cannot." }] });
    const out = await (async () => {
      const done = nextMessage(nodes.out);
      nodes.chat.receive({ payload: "Open up", conversation_id: "c1" });
      return done;
    })();
    const [result] = toolResults(api.messageRequests[1].body);
    assert.deepStrictEqual(result, { type: "tool_result", tool_use_id: "toolu_1", content: 'There is no tool named "unlock_door" in this flow. Available tools: lights.', is_error: true });
    assert.strictEqual(out.payload, "I cannot.");
  });

  it("stops at the max-rounds cap with a clear error and keeps the history as it was", async () => {
    const nodes = await load(api, [{ name: "again" }], { maxRounds: 2 });
    answer(nodes, 0, () => ({ payload: "once more" }));
    let round = 0;
    api.fallback = () => ({ content: [toolUse(`toolu_${++round}`, "again", {})] });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Loop", conversation_id: "c1" });
    const { text, msg } = await failed;
    assert.match(text, /still calling tools after 2 rounds/);
    assert.strictEqual(msg.error.type, "max_rounds");
    assert.strictEqual(api.messageRequests.length, 3, "two rounds of tools, then the cap");
    api.fallback = () => ({ content: [{ type: "text", text: "fresh" }] });
    const next = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Hello", conversation_id: "c1" });
    await next;
    assert.deepStrictEqual(api.messageRequests[3].body.messages, [{ role: "user", content: "Hello" }]);
  });

  it("gives two conversations calling the same tool at once their own results", async () => {
    const nodes = await load(api, [{ name: "whoami" }]);
    // Both conversations get a call with the same id: the conversation keeps them apart.
    api.reply(
      { content: [toolUse("toolu_same", "whoami", { ask: 1 })] },
      { content: [toolUse("toolu_same", "whoami", { ask: 1 })] },
    );
    api.fallback = (req) => ({ content: [{ type: "text", text: `Result: ${toolResults(req.body)[0].content}` }] });
    const calls = collect(nodes.calls(), 2);
    const outs = collect(nodes.out, 2);
    nodes.chat.receive({ payload: "Who?", conversation_id: "ada" });
    nodes.chat.receive({ payload: "Who?", conversation_id: "bob" });
    const got = await calls;
    assert.deepStrictEqual(got.map((m) => m.tool.conversation_id).sort(), ["ada", "bob"]);
    assert.strictEqual(pendingToolCalls.size, 2, "both wait at the same time");
    // Answer in the opposite order of arrival.
    for (const m of [...got].reverse()) nodes.result.receive({ ...m, payload: `you are ${m.tool.conversation_id}` });
    const answers = await outs;
    const byId = Object.fromEntries(answers.map((m) => [m.conversation_id, m.payload]));
    assert.deepStrictEqual(byId, { ada: "Result: you are ada", bob: "Result: you are bob" });
  });

  it("ends a waiting call cleanly on redeploy: nothing left waiting, no timer, no late message", async () => {
    const nodes = await load(api, [{ name: "slow" }]);
    api.reply({ content: [toolUse("toolu_1", "slow", {})] });
    const call = nextMessage(nodes.calls());
    let late = false;
    const errors: unknown[] = [];
    nodes.out.on("input", () => (late = true));
    nodes.chat.on("call:error", (c: any) => errors.push(c.args));
    nodes.chat.receive({ payload: "Go", conversation_id: "c1" });
    const msg = await call;
    assert.strictEqual(pendingToolCalls.size, 1);
    assert.strictEqual(pendingToolCalls.activeTimers, 1);
    const result = nodes.result;
    await helper.unload();
    assert.strictEqual(pendingToolCalls.size, 0, "the call ended");
    assert.strictEqual(pendingToolCalls.activeTimers, 0, "its timer was cleared");
    result.receive({ ...msg, payload: "too late" });
    await sleep(200);
    assert.strictEqual(late, false, "no message left the stopped conversation");
    assert.deepStrictEqual(errors, [], "a redeploy is not an error");
    assert.strictEqual(api.messageRequests.length, 1, "nothing more was asked of Claude");
  });

  it("gives Claude an error result when only the tool node is redeployed mid-call, and the turn goes on", async () => {
    const tools = [{ name: "slow" }];
    const nodes = await load(api, tools);
    api.reply({ content: [toolUse("toolu_1", "slow", {})] });
    api.reply({ content: [{ type: "text", text: "It stopped." }] });
    const call = nextMessage(nodes.calls());
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Go", conversation_id: "c1" });
    await call;
    // A "modified nodes" deploy restarts the changed tool node and nothing else.
    await helper.setFlows(flow(api.url, [{ name: "slow", description: "changed" }]), "nodes", { account: { apiKey: KEY } });
    const out = await done;
    assert.strictEqual(out.payload, "It stopped.");
    const [result] = toolResults(api.messageRequests[1].body);
    assert.strictEqual(result.is_error, true);
    assert.match(result.content, /Tool "slow" was stopped/);
    assert.strictEqual(pendingToolCalls.size, 0);
  });

  it("sends msg.is_error and msg.error as error results, and an image Buffer as an image", async () => {
    const nodes = await load(api, [{ name: "a" }, { name: "b" }, { name: "camera" }]);
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("rest of the picture")]);
    answer(nodes, 0, () => ({ payload: "the pump is jammed", is_error: true }));
    answer(nodes, 1, () => ({ payload: "ignored", error: { message: "Home Assistant refused the call", source: { id: "x" } } }));
    answer(nodes, 2, () => ({ payload: png }));
    api.reply({ content: [toolUse("t1", "a", {}), toolUse("t2", "b", {}), toolUse("t3", "camera", {})] });
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Check", conversation_id: "c1" });
    const out = await done;
    assert.deepStrictEqual(toolResults(api.messageRequests[1].body), [
      { type: "tool_result", tool_use_id: "t1", content: "the pump is jammed", is_error: true },
      { type: "tool_result", tool_use_id: "t2", content: "Home Assistant refused the call", is_error: true },
      { type: "tool_result", tool_use_id: "t3", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: png.toString("base64") } }] },
    ]);
    assert.deepStrictEqual(out.claude.tool_calls[2].result, { type: "image", media_type: "image/png", bytes: png.length });
  });

  it("removes the API key from a flow's error text before it reaches Claude", async () => {
    const nodes = await load(api, [{ name: "fetch" }]);
    answer(nodes, 0, () => ({ payload: "ignored", error: { message: `HTTP 401 for x-api-key: ${KEY}` } }));
    api.reply({ content: [toolUse("t1", "fetch", {})] });
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Fetch", conversation_id: "c1" });
    const out = await done;
    const [result] = toolResults(api.messageRequests[1].body);
    assert.strictEqual(result.content, "HTTP 401 for x-api-key: [redacted]");
    assert.strictEqual(result.is_error, true);
    assert.ok(!JSON.stringify(api.messageRequests.map((r) => r.body)).includes(KEY));
    assert.ok(!JSON.stringify(out.claude).includes(KEY));
  });

  it("cuts a huge result and tells Claude", async () => {
    const nodes = await load(api, [{ name: "dump" }]);
    answer(nodes, 0, () => ({ payload: "y".repeat(150_000) }));
    api.reply({ content: [toolUse("t1", "dump", {})] });
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Dump", conversation_id: "c1" });
    await done;
    const [result] = toolResults(api.messageRequests[1].body);
    assert.strictEqual(result.content.length < 100_200, true);
    assert.match(result.content, /\[The result was cut to 100000 of 150000 characters\.\]$/);
  });

  it("runs a client tool in the same turn as a server tool", async () => {
    const nodes = await load(api, [{ name: "lights" }]);
    answer(nodes, 0, () => ({ payload: "ok" }));
    const search = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "sunset" } };
    const found = { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [{ type: "web_search_result", url: "https://example.com", title: "Sunset", encrypted_content: "abc", page_age: null }] };
    api.reply({ content: [search, found, toolUse("toolu_1", "lights", { on: true })] });
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Lights on at sunset", conversation_id: "c1" });
    await done;
    const second = api.messageRequests[1].body;
    assert.deepStrictEqual(second.messages[1].content, [search, found, toolUse("toolu_1", "lights", { on: true })]);
    assert.deepStrictEqual(second.messages[2].content, [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }]);
  });

  it("warns about a message without msg.tool instead of crashing", async () => {
    const nodes = await load(api, []);
    nodes.result.receive({ payload: "stray" });
    await sleep(50);
    assert.match(argsOf(nodes.result, "warn")[0][0], /has no msg\.tool/);
  });

  it("sends an API-acceptable schema and validates against the whole one", async () => {
    const schema = {
      type: "object",
      anyOf: [
        { properties: { minutes: { type: "integer" } }, required: ["minutes"] },
        { properties: { seconds: { type: "integer" } }, required: ["seconds"] },
      ],
    };
    const nodes = await load(api, [{ name: "timer", schema: JSON.stringify(schema) }]);
    answer(nodes, 0, () => ({ payload: "started" }));
    api.reply({ content: [toolUse("t1", "timer", {})] }, { content: [toolUse("t2", "timer", { minutes: 5 })] });
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Timer", conversation_id: "c1" });
    await done;
    const sent = api.messageRequests[0].body.tools[0].input_schema;
    assert.deepStrictEqual(sent, { type: "object", properties: { minutes: { type: "integer" }, seconds: { type: "integer" } } });
    assert.strictEqual(toolResults(api.messageRequests[1].body)[0].is_error, true, "an input matching neither branch is rejected");
    assert.deepStrictEqual(toolResults(api.messageRequests[2].body)[0], { type: "tool_result", tool_use_id: "t2", content: "started" });
  });

  it("does not offer a tool with a bad name or schema, and says why at start", async () => {
    const nodes = await load(api, [{ name: "bad name!" }, { name: "broken", schema: "{ not json" }, { name: "fine" }]);
    assert.match(argsOf(nodes.tool(0), "error")[0][0], /Tool "bad name!" is not offered to Claude: The tool name "bad name!" is not allowed/);
    assert.match(argsOf(nodes.tool(1), "error")[0][0], /Tool "broken" is not offered to Claude: The input schema is unusable: not valid JSON/);
    assert.deepStrictEqual(argsOf(nodes.tool(0), "status")[0][0], { fill: "red", shape: "ring", text: "not offered to Claude" });
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Hi" });
    await done;
    assert.deepStrictEqual(api.messageRequests[0].body.tools.map((t: any) => t.name), ["fine"]);
  });

  it("refuses two tools of the same name before asking Claude", async () => {
    const nodes = await load(api, [{ name: "twin" }, { name: "twin" }]);
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi" });
    const { text } = await failed;
    assert.match(text, /both named "twin"/);
    assert.strictEqual(api.messageRequests.length, 0);
  });

  it("uses only the ticked tools, or none, when the conversation says so", async () => {
    const nodes = await load(api, [{ name: "one" }, { name: "two" }], { toolMode: "selected", tools: ["tool1"] });
    const done = nextMessage(nodes.out);
    nodes.chat.receive({ payload: "Hi" });
    await done;
    assert.deepStrictEqual(api.messageRequests[0].body.tools.map((t: any) => t.name), ["two"]);
  });

  for (const key of ["__proto__", "constructor", "prototype"]) {
    it(`refuses a tool input with a ${key} key anywhere, as an error result to Claude`, async () => {
      // An open schema with an enum: the forbidden value would otherwise reach the flow through the prototype.
      const schema = JSON.stringify({ type: "object", properties: { level: { type: "integer", enum: [1, 2, 3] }, items: { type: "array" } } });
      const nodes = await load(api, [{ name: "set_level", schema }]);
      let triggered = false;
      nodes.calls().on("input", () => (triggered = true));
      api.reply({
        content: [
          toolUse("t1", "set_level", JSON.parse(`{"level": 1, "${key}": {"level": 99}}`)),
          toolUse("t2", "set_level", JSON.parse(`{"level": 2, "items": [{"ok": 1}, {"${key}": {"admin": true}}]}`)),
        ],
      });
      const done = nextMessage(nodes.out);
      nodes.chat.receive({ payload: "Set the level", conversation_id: "c1" });
      await done;
      assert.strictEqual(triggered, false, "the call never reached the flow");
      const results = toolResults(api.messageRequests[1].body);
      assert.deepStrictEqual(results.map((r: any) => r.is_error), [true, true]);
      assert.match(results[0].content, new RegExp(`The input for tool "set_level" was rejected, so the tool did not run: /${key} is a key that is not allowed`));
      assert.match(results[1].content, new RegExp(`/items/1/${key} is a key that is not allowed`));
    });
  }

  it("offers in \"all tools\" mode only the tool nodes on the conversation's own tab", async () => {
    const otherTab = [
      { id: "tab2", type: "tab", label: "other" },
      { id: "far", type: "claude-tool", z: "tab2", name: "far_away", mode: "plain", timeout: 30, wires: [[]] },
    ];
    const nodes = flow(api.url, [{ name: "near" }], { toolMode: "all" });
    await helper.load(ALL_NODES, [...nodes, ...otherTab], { account: { apiKey: KEY } });
    assert.ok(helper.getNode("far"), "the other tab's tool node runs");
    const out = helper.getNode("out");
    const done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "Hi" });
    await done;
    assert.deepStrictEqual(api.messageRequests[0].body.tools.map((t: any) => t.name), ["near"]);
  });

  it("offers the tools of another registered source beside the tool nodes, unique by name, and runs its calls there", async () => {
    const calls: any[] = [];
    const unregister = toolSources.add({
      id: "server",
      kind: "test-source",
      source: {
        label: "test server",
        tools: async () => [{ name: "lookup", input_schema: { type: "object", properties: {} } }],
        call: async (call) => {
          calls.push(call);
          return { block: { type: "tool_result", tool_use_id: call.id, content: "from the server" }, record: { id: call.id, name: call.name, input: call.input, result: "from the server", is_error: false } };
        },
        instructions: async () => "Use lookup for facts.",
      },
    });
    try {
      const nodes = await load(api, [{ name: "lookup" }], { toolMode: "selected", tools: ["tool0", "server"] });
      let flowCalled = false;
      nodes.calls(0).on("input", () => (flowCalled = true));
      api.reply({ content: [toolUse("toolu_1", "lookup_2", {})] });
      api.reply({ content: [{ type: "text", text: "Done." }] });
      const done = nextMessage(nodes.out);
      nodes.chat.receive({ payload: "Hi", instructions: "Be brief." });
      const msg = await done;
      const first = api.messageRequests[0].body;
      assert.deepStrictEqual(first.tools.map((t: any) => t.name), ["lookup", "lookup_2"]);
      assert.match(JSON.stringify(first.system), /Be brief\.\\n\\nUse lookup for facts\./);
      assert.deepStrictEqual(calls.map((c) => c.name), ["lookup"], "the source gets the call under its own name");
      assert.strictEqual(flowCalled, false, "the tool node with that name is not called");
      assert.deepStrictEqual(toolResults(api.messageRequests[1].body).map((r: any) => r.content), ["from the server"]);
      assert.strictEqual(msg.claude.tool_calls[0].name, "lookup_2");
    } finally {
      unregister();
    }
  });

  describe("Home Assistant action mode", () => {
    const ha = { name: "control_home", mode: "ha", actions: ["light.turn_on", "light.turn_off"], entities: ["light.*", "switch.garden_pump"] };

    it("shows Claude the allowed actions and entities, and sends what the Action node takes", async () => {
      const nodes = await load(api, [ha]);
      api.reply({ content: [toolUse("t1", "control_home", { action: "light.turn_on", entity_id: ["light.kitchen"], data: { brightness_pct: 60 } })] });
      const call = nextMessage(nodes.calls());
      nodes.chat.receive({ payload: "Kitchen light to 60%", conversation_id: "c1" });
      const msg = await call;
      assert.deepStrictEqual(msg.payload, { action: "light.turn_on", target: { entity_id: ["light.kitchen"] }, data: { brightness_pct: 60 } });
      nodes.result.receive({ ...msg, payload: "done" });
      const tool = api.messageRequests[0].body.tools[0];
      assert.deepStrictEqual(tool.input_schema.properties.action.enum, ["light.turn_on", "light.turn_off"]);
      assert.match(tool.description, /Allowed actions: light\.turn_on, light\.turn_off\. Allowed entities: light\.\*, switch\.garden_pump\./);
      await nextMessage(nodes.out);
    });

    it("keeps a call outside the allow lists in the node and tells Claude what is allowed", async () => {
      const nodes = await load(api, [ha]);
      let triggered = false;
      nodes.calls().on("input", () => (triggered = true));
      api.reply({
        content: [
          toolUse("t1", "control_home", { action: "lock.unlock", entity_id: ["lock.front_door"] }),
          toolUse("t2", "control_home", { action: "light.turn_on", entity_id: ["light.kitchen"], data: { entity_id: "lock.front_door" } }),
          toolUse("t3", "control_home", { action: "light.turn_on", entity_id: ["light.kitchen"], sneaky: true }),
        ],
      });
      const done = nextMessage(nodes.out);
      nodes.chat.receive({ payload: "Open the door", conversation_id: "c1" });
      await done;
      assert.strictEqual(triggered, false);
      const [denied, hidden, extra] = toolResults(api.messageRequests[1].body);
      assert.ok(denied.is_error && hidden.is_error && extra.is_error);
      assert.match(denied.content, /The action "lock\.unlock" is not allowed\. Allowed actions: light\.turn_on, light\.turn_off\./);
      assert.match(denied.content, /The entity "lock\.front_door" is not allowed\. Allowed entities: light\.\*, switch\.garden_pump\./);
      assert.match(hidden.content, /data may not contain "entity_id"/);
      assert.match(extra.content, /must NOT have additional properties \("sneaky"\)/);
    });

    it("refuses entities named in data through other fields, at any depth, and tells Claude why", async () => {
      const nodes = await load(api, [{ ...ha, actions: ["tts.speak", "media_player.join", "scene.apply", "light.turn_on"] }]);
      let triggered = 0;
      nodes.calls().on("input", (msg: any) => {
        triggered++;
        nodes.result.receive({ ...msg, payload: "done" });
      });
      api.reply({
        content: [
          toolUse("t1", "control_home", { action: "tts.speak", entity_id: ["light.kitchen"], data: { media_player_entity_id: "media_player.living_room", message: "Hi" } }),
          toolUse("t2", "control_home", { action: "media_player.join", entity_id: ["light.kitchen"], data: { group_members: ["light.hall", "Lock.Front_Door"] } }),
          toolUse("t3", "control_home", { action: "scene.apply", entity_id: ["light.kitchen"], data: { entities: { "switch.heater": "on" } } }),
          toolUse("t4", "control_home", { action: "light.turn_on", entity_id: ["light.kitchen"], data: { nested: [{ members: "light.hall, alarm_control_panel.home" }] } }),
          toolUse("t5", "control_home", { action: "light.turn_on", entity_id: ["light.kitchen"], data: { color_name: "red", transition: "0.5", group: ["light.hall"] } }),
        ],
      });
      const done = nextMessage(nodes.out);
      nodes.chat.receive({ payload: "Play a chime everywhere", conversation_id: "c1" });
      await done;
      assert.strictEqual(triggered, 1, "only the call naming allowed entities reached the flow");
      const results = toolResults(api.messageRequests[1].body);
      assert.deepStrictEqual(results.map((r: any) => r.is_error === true), [true, true, true, true, false]);
      for (const [i, entity] of ["media_player.living_room", "lock.front_door", "switch.heater", "alarm_control_panel.home"].entries()) {
        assert.match(results[i].content, new RegExp(`data names the entity "${entity.replace(".", "\\.")}", which is not allowed\\. Allowed entities: light\\.\\*, switch\\.garden_pump\\.`));
      }
    });

    it("refuses a __proto__ key that would carry a target in data through Node-RED's message copy", async () => {
      const nodes = await load(api, [ha]);
      let triggered = false;
      nodes.calls().on("input", () => (triggered = true));
      const input = JSON.parse('{"action": "light.turn_on", "entity_id": ["light.kitchen"], "data": {"__proto__": {"entity_id": "light.hall"}}}');
      api.reply({ content: [toolUse("t1", "control_home", input)] });
      const done = nextMessage(nodes.out);
      nodes.chat.receive({ payload: "Kitchen light", conversation_id: "c1" });
      await done;
      assert.strictEqual(triggered, false);
      const [result] = toolResults(api.messageRequests[1].body);
      assert.strictEqual(result.is_error, true);
      assert.match(result.content, /\/data\/__proto__ is a key that is not allowed \("__proto__"\)/);
    });

    it("reports incomplete allow lists at start", async () => {
      const nodes = await load(api, [{ ...ha, actions: [] }]);
      assert.match(argsOf(nodes.tool(), "error")[0][0], /Add at least one allowed action/);
    });
  });
});
