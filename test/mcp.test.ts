// MCP servers' tools in a conversation, in the real Node-RED runtime: Home Assistant's MCP server
// (stand-in, mounted on the Home Assistant stand-in at /api/mcp) reached through a real server
// config node of node-red-contrib-home-assistant-websocket, other servers by URL, and a stdio one.
import assert from "assert";
import fs from "fs";
import http from "http";
import os from "os";
import type { AddressInfo } from "net";
import path from "path";
import { AnthropicStandIn, toolResults } from "./standins/anthropic-standin";
import { ASSIST_PROMPT, HaMcpStandIn } from "./standins/ha-mcp-standin";
import { HomeAssistantStandIn } from "./standins/home-assistant-standin";
import { homeAssistantNodes, serverConfigNode, serverCredentials, useHomeAssistantUserDir, waitForHomeAssistant } from "./support/home-assistant-nodes";
import { ALL_NODES, KEY, account, claudeMcp, helper, nextError, nextMessage, useStandIn } from "./support/nodes";
import { alive, until } from "./support/wait";

type FlowNode = Record<string, any>;
const SERVER = "ha-server";
const STDIO_SERVER = path.join(__dirname, "support", "mcp-stdio-server.js");

function toolUse(id: string, name: string, input: unknown) {
  return { type: "tool_use", id, name, input };
}

function flow(claudeUrl: string, mcp: FlowNode, extra: FlowNode[] = []): FlowNode[] {
  return [
    { id: "tab", type: "tab", label: "test" },
    account(claudeUrl),
    serverConfigNode(SERVER),
    { id: "mcp", type: "claude-mcp", name: "home", connection: "ha", haServer: SERVER, tools: [], timeout: 10, ...mcp },
    { id: "chat", type: "claude-conversation", z: "tab", config: "account", maxRounds: 5, toolMode: extra.length ? "all" : "none", mcp: ["mcp"], wires: [["out"]] },
    { id: "out", type: "helper", z: "tab" },
    ...extra,
  ];
}

/** Every warning a node gave, as text. */
function warnings(node: any): string[] {
  return (node.warn.getCalls?.() ?? []).map((c: any) => String(c.args[0]));
}

describe("MCP servers in a conversation", function () {
  this.timeout(20_000);
  useHomeAssistantUserDir();
  const anthropic = useStandIn();
  let api: AnthropicStandIn;
  let home: HomeAssistantStandIn;
  let mcp: HaMcpStandIn;

  beforeEach(async function () {
    api = anthropic();
    home = new HomeAssistantStandIn();
    await home.start();
    mcp = new HaMcpStandIn(home.token);
    home.httpRoutes.set("/api/mcp", (req, res) => mcp.handle(req, res));
  });

  afterEach(async function () {
    await home.stop();
  });

  async function load(mcpNode: FlowNode = {}, extra: FlowNode[] = [], credentials: Record<string, unknown> = {}) {
    const nodes = flow(api.url, mcpNode, extra);
    await helper.load([...ALL_NODES, claudeMcp, homeAssistantNodes], nodes, { account: { apiKey: KEY }, ...serverCredentials(SERVER, home), ...credentials });
    await waitForHomeAssistant(SERVER);
    return { nodes, chat: helper.getNode("chat"), out: helper.getNode("out"), mcpNode: helper.getNode("mcp") };
  }

  it("Claude turns on a light through Home Assistant's MCP server with no wiring, beside a flow tool in the same round", async function () {
    const echo = [
      { id: "clock", type: "claude-tool", z: "tab", name: "what_time", schema: "", timeout: 10, wires: [["answer"]] },
      { id: "answer", type: "claude-tool-result", z: "tab" },
    ];
    const { out } = await load({}, echo);
    api.reply({ content: [toolUse("toolu_on", "HassTurnOn", { name: "Kitchen Light" }), toolUse("toolu_time", "what_time", {})] });
    api.reply({ content: [{ type: "text", text: "The kitchen light is on." }] });
    const done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "Kitchen light on, please", conversation_id: "house" });
    const msg = await done;

    // The stand-in received exactly that call, with Home Assistant's access token as bearer.
    assert.deepStrictEqual(mcp.calls, [{ name: "HassTurnOn", arguments: { name: "Kitchen Light" }, authorization: `Bearer ${home.token}` }]);
    const [first, second] = api.messageRequests;
    assert.deepStrictEqual(first.body.tools.map((t: any) => t.name).sort(), ["GetLiveContext", "HassLightSet", "HassTurnOff", "HassTurnOn", "what_time"]);
    const system = JSON.stringify(first.body.system);
    assert.ok(system.includes(JSON.stringify(ASSIST_PROMPT).slice(1, -1)), "the Assist prompt is in the instructions");
    const results = toolResults(second.body);
    assert.deepStrictEqual(results.map((r: any) => r.tool_use_id), ["toolu_on", "toolu_time"]);
    assert.strictEqual(results[0].is_error, undefined);
    assert.match(JSON.stringify(results[0].content), /action_done/);
    assert.strictEqual(msg.payload, "The kitchen light is on.");
    assert.deepStrictEqual(msg.claude.tool_calls.map((c: any) => [c.name, c.is_error]), [["HassTurnOn", false], ["what_time", false]]);
    // The token is nowhere Claude or the flow can see it.
    for (const text of [JSON.stringify(msg), ...api.requests.map((r) => JSON.stringify(r.body ?? ""))]) assert.ok(!text.includes(home.token));
  });

  it("keeps the tool list across turns and fetches it again on deploy", async function () {
    const { nodes, out } = await load();
    for (let turn = 0; turn < 2; turn++) {
      api.reply({ content: [{ type: "text", text: "ok" }] });
      const done = nextMessage(out);
      helper.getNode("chat").receive({ payload: `turn ${turn}`, conversation_id: "house" });
      await done;
    }
    assert.strictEqual(mcp.listings, 1, "one tools/list for two turns");
    mcp.tools.push({ name: "HassCancelAllTimers", description: "Cancels all timers", inputSchema: { type: "object", properties: {} } });
    await helper.setFlows(nodes, "full", { account: { apiKey: KEY }, ...serverCredentials(SERVER, home) });
    await waitForHomeAssistant(SERVER);
    api.reply({ content: [{ type: "text", text: "ok" }] });
    const done = nextMessage(helper.getNode("out"));
    helper.getNode("chat").receive({ payload: "after deploy", conversation_id: "house" });
    await done;
    assert.strictEqual(mcp.listings, 2);
    assert.ok(api.messageRequests[2].body.tools.some((t: any) => t.name === "HassCancelAllTimers"));
  });

  it("MCP calls count towards the tool-round limit like flow tools", async function () {
    await load();
    const chat = helper.getNode("chat");
    let round = 0;
    api.fallback = () => ({ content: [toolUse(`toolu_${++round}`, "GetLiveContext", {})] });
    const failed = nextError(chat);
    chat.receive({ payload: "Loop", conversation_id: "loop" });
    const { text, msg } = await failed;
    assert.match(text, /still calling tools after 5 rounds/);
    assert.strictEqual(msg.error.type, "max_rounds");
    assert.strictEqual(mcp.calls.length, 5, "five rounds reached the server, the sixth was stopped");
  });

  it("refuses a tool outside the allowed list before it reaches the server", async function () {
    const { out } = await load({ tools: ["HassTurnOn", "GetLiveContext"] });
    api.reply({ content: [toolUse("toolu_off", "HassTurnOff", { name: "Kitchen Light" })] });
    api.reply({ content: [{ type: "text", text: "I may not." }] });
    const done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "Kitchen light off", conversation_id: "house" });
    const msg = await done;
    assert.deepStrictEqual(api.messageRequests[0].body.tools.map((t: any) => t.name), ["HassTurnOn", "GetLiveContext"]);
    assert.deepStrictEqual(mcp.calls, []);
    const [result] = toolResults(api.messageRequests[1].body);
    assert.strictEqual(result.is_error, true);
    assert.match(result.content, /no tool named "HassTurnOff"/i);
    assert.strictEqual(msg.claude.tool_calls[0].is_error, true);
  });

  it("a refused token: Claude gets an error result, the MCP node a warning, and the token shows nowhere", async function () {
    const { out, mcpNode } = await load();
    api.reply({ content: [{ type: "text", text: "ready" }] });
    let done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "hello", conversation_id: "house" });
    await done;
    mcp.token = "a-token-home-assistant-revoked";
    api.reply({ content: [toolUse("toolu_on", "HassTurnOn", { name: "Kitchen Light" })] });
    api.reply({ content: [{ type: "text", text: "Home Assistant refused." }] });
    done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "Kitchen light on", conversation_id: "house" });
    const msg = await done;
    const [result] = toolResults(api.messageRequests[2].body);
    assert.strictEqual(result.is_error, true);
    assert.match(result.content, /refused the token \(HTTP 401\)/);
    assert.deepStrictEqual(mcp.calls, []);
    const warned = warnings(mcpNode);
    assert.ok(warned.some((w) => /refused the token/.test(w)), `warnings: ${warned}`);
    const logged = helper.log().getCalls().map((c: any) => JSON.stringify(c.args));
    assert.ok(logged.some((line: string) => /refused the token/.test(line)), "the warning reached the log");
    for (const text of [...warned, ...logged, JSON.stringify(msg), JSON.stringify(api.messageRequests.map((r) => r.body))]) assert.ok(!text.includes(home.token));
  });

  it("a server that is down: the turn goes on with the other tools, and the node warns", async function () {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { out, mcpNode } = await load({ connection: "http", haServer: "", url: `http://127.0.0.1:${port}/mcp` }, [], { mcp: { token: "some-secret-token-1234" } });
    api.reply({ content: [{ type: "text", text: "No home tools today." }] });
    const done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "hello", conversation_id: "house" });
    const msg = await done;
    assert.strictEqual(msg.payload, "No home tools today.");
    assert.strictEqual(api.messageRequests[0].body.tools, undefined);
    const warned = warnings(mcpNode);
    assert.ok(warned.some((w) => /cannot be reached \(ECONNREFUSED\)/.test(w)), `warnings: ${warned}`);
    assert.ok(warned.every((w) => !w.includes("some-secret-token-1234")));
  });

  it("an MCP server node whose setup failed: the conversation answers without its tools and says why, once", async function () {
    const { out, chat } = await load({ haServer: "" });
    for (const n of [1, 2]) {
      api.reply({ content: [{ type: "text", text: `Answer ${n}` }] });
      const done = nextMessage(out);
      chat.receive({ payload: `hello ${n}`, conversation_id: "house" });
      assert.strictEqual((await done).payload, `Answer ${n}`);
    }
    assert.ok(api.messageRequests.every((r) => r.body.tools === undefined), "no tools were offered");
    assert.deepStrictEqual(
      warnings(chat).filter((w) => /MCP server node/.test(w)),
      ['The MCP server node "home" offers no tools, so Claude cannot use them: Choose a Home Assistant server node (node-red-contrib-home-assistant-websocket must be installed). Fix the MCP server node and deploy again.'],
    );
  });

  it("a tool slower than the timeout gives Claude a timeout error, and the turn ends", async function () {
    let release: () => void = () => undefined;
    mcp.handlers.HassTurnOn = () => new Promise((resolve) => (release = () => resolve({ content: [{ type: "text", text: "late" }] })));
    const { out } = await load({ timeout: 0.5 });
    api.reply({ content: [toolUse("toolu_on", "HassTurnOn", { name: "Kitchen Light" })] });
    api.reply({ content: [{ type: "text", text: "It did not answer." }] });
    const done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "Kitchen light on", conversation_id: "house" });
    const msg = await done;
    release();
    const [result] = toolResults(api.messageRequests[1].body);
    assert.strictEqual(result.is_error, true);
    assert.match(result.content, /no answer within 0\.5 seconds/);
    assert.strictEqual(msg.payload, "It did not answer.");
  });

  it("a redeploy while a call is in flight ends the call and the turn; no request is left open", async function () {
    mcp.handlers.HassTurnOn = () => new Promise(() => undefined);
    const { nodes, out } = await load();
    api.reply({ content: [toolUse("toolu_on", "HassTurnOn", { name: "Kitchen Light" })] });
    let delivered = false;
    out.on("input", () => (delivered = true));
    helper.getNode("chat").receive({ payload: "Kitchen light on", conversation_id: "house" });
    await until(() => mcp.calls.length === 1, "the call to reach the server");
    assert.strictEqual(mcp.openRequests, 1);
    await helper.setFlows(nodes, "full", { account: { apiKey: KEY }, ...serverCredentials(SERVER, home) });
    await until(() => mcp.openRequests === 0, "the call's request to be closed");
    assert.strictEqual(delivered, false, "a stopped turn sends nothing");
    assert.strictEqual(api.messageRequests.length, 1, "Claude was not asked again after the stop");
  });

  it("a stdio server's tool answers, its crash is an error result, and stopping the flows ends its process", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-starts-"));
    const starts = path.join(dir, "starts");
    const command = `"${process.execPath}" "${STDIO_SERVER}" --starts "${starts}"`;
    const { out } = await load({ connection: "stdio", haServer: "", command });
    // One round each: a crash ends every call in flight on that process.
    api.reply({ content: [toolUse("toolu_echo", "Echo", { text: "hello from stdio" })] });
    api.reply({ content: [toolUse("toolu_crash", "Crash", {})] });
    api.reply({ content: [{ type: "text", text: "done" }] });
    const done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "go", conversation_id: "c" });
    const msg = await done;
    const [echo] = toolResults(api.messageRequests[1].body);
    const [crash] = toolResults(api.messageRequests[2].body);
    assert.deepStrictEqual(echo.content, [{ type: "text", text: "hello from stdio" }]);
    assert.strictEqual(crash.is_error, true);
    assert.doesNotMatch(JSON.stringify(crash.content), /Zigbee/, "what the server printed is for the user, not for Claude");
    const told = warnings(helper.getNode("mcp")).filter((w) => /Crash/.test(w));
    assert.strictEqual(told.length, 1);
    assert.match(told[0], /Its last output: opening \/dev\/ttyUSB0 \/ fatal: the Zigbee stick is gone$/);
    assert.deepStrictEqual(msg.claude.tool_calls[0].result, { echoed: "hello from stdio" });
    assert.strictEqual(api.messageRequests[0].body.system, undefined, "a stdio server's instructions are added only when asked");
    // Started once (nothing called it after the crash); after the flows stop, no process is left.
    const pids = fs.readFileSync(starts, "utf8").trim().split("\n").map(Number);
    assert.strictEqual(pids.length, 1);
    await helper.unload();
    for (const pid of pids) await until(() => !alive(pid), `process ${pid} to end`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("many tools: above the threshold they are deferred behind tool search, except on Haiku", async function () {
    for (let i = 0; i < 36; i++) mcp.tools.push({ name: `script_${i}`, description: `Runs script ${i}`, inputSchema: { type: "object", properties: {} } });
    const { out } = await load();
    api.reply({ content: [{ type: "text", text: "ok" }] }, { content: [{ type: "text", text: "ok" }] });
    let done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "hi", conversation_id: "a", model: "claude-sonnet-4-5" });
    await done;
    const tools = api.messageRequests[0].body.tools;
    assert.strictEqual(tools.length, 41);
    assert.deepStrictEqual(tools[40], { type: "tool_search_tool_bm25_20251119", name: "tool_search_tool_bm25" });
    assert.deepStrictEqual(tools.filter((t: any) => !t.defer_loading && t.input_schema).map((t: any) => t.name), ["HassTurnOn", "HassTurnOff", "GetLiveContext"]);
    done = nextMessage(out);
    helper.getNode("chat").receive({ payload: "hi", conversation_id: "b" });
    await done;
    const haiku = api.messageRequests[1].body;
    assert.strictEqual(haiku.model, "claude-haiku-4-5");
    assert.strictEqual(haiku.tools.length, 40);
    assert.ok(haiku.tools.every((t: any) => t.defer_loading === undefined));
  });

  it("the admin endpoint lists the tools without the token", async function () {
    await load();
    const res = await helper.request().get("/claude-mcp/mcp/tools").expect(200);
    assert.deepStrictEqual(res.body.tools.map((t: any) => t.name), ["HassTurnOn", "HassTurnOff", "HassLightSet", "GetLiveContext"]);
    assert.ok(!JSON.stringify(res.body).includes(home.token));
    const typed = await helper.request().post("/claude-mcp/new/tools").send({ connection: "http", url: `${home.url}/api/mcp`, token: "wrong-token-typed-here" }).expect(502);
    assert.match(typed.body.error.message, /refused the token/);
    assert.ok(!JSON.stringify(typed.body).includes("wrong-token-typed-here"));
    const viaHa = await helper.request().post("/claude-mcp/new/tools").send({ connection: "ha", haServer: SERVER }).expect(200);
    assert.strictEqual(viaHa.body.tools.length, 4);
    assert.ok(!JSON.stringify(viaHa.body).includes(home.token));
  });
});
