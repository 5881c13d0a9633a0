import assert from "assert";
import fs from "fs";
import os from "os";
import path from "path";
import http from "http";
import type { AddressInfo } from "net";
import type { ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { McpSession, type McpEndpoint } from "../../../nodes/lib/mcp/session";
import { McpToolSource } from "../../../nodes/lib/mcp/mcp-source";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { ASSIST_PROMPT, HaMcpStandIn } from "../../standins/ha-mcp-standin";
import { freePort } from "../../support/node-red-process";
import { alive, until } from "../../support/wait";

const TOKEN = "ha-token-0123456789abcdef";
const STDIO_SERVER = path.join(__dirname, "..", "..", "support", "mcp-stdio-server.js");

const text = (key: string, params: Record<string, unknown>) => `${key} ${JSON.stringify(params)}`;
const resultTexts = { cut: (shown: number, total: number) => ` [cut ${shown}/${total}]`, empty: "(empty)", omitted: (type: string) => `(${type} left out)` };
const origin = { conversationId: "c1", msg: {} };

function use(name: string, input: unknown, id = `toolu_${name}`): ToolUseBlock {
  return { type: "tool_use", id, name, input } as ToolUseBlock;
}

interface Rig {
  session: McpSession;
  source: McpToolSource;
  warnings: string[];
}

const open: McpSession[] = [];

function rig(endpoint: McpEndpoint, extra: { allowed?: string[]; timeoutMs?: number; prompt?: string; addInstructions?: boolean; maxRestarts?: number } = {}): Rig {
  const warnings: string[] = [];
  const session = new McpSession({ endpoint, timeoutMs: extra.timeoutMs ?? 5000, prompt: extra.prompt, maxRestarts: extra.maxRestarts });
  open.push(session);
  const source = new McpToolSource(session, {
    label: "test server",
    allowed: extra.allowed ?? [],
    addInstructions: extra.addInstructions ?? false,
    timeoutSeconds: (extra.timeoutMs ?? 5000) / 1000,
    text,
    resultTexts,
    warn: (w) => warnings.push(w),
    secrets: [TOKEN],
  });
  return { session, source, warnings };
}

const http$ = (url: string, token = TOKEN): McpEndpoint => ({ kind: "http", url, headers: { Authorization: `Bearer ${token}` } });
const signal = () => new AbortController().signal;

describe("MCP tool source", function () {
  this.timeout(20_000);
  let ha: HaMcpStandIn;

  beforeEach(async () => {
    ha = new HaMcpStandIn(TOKEN);
    await ha.start();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await ha.stop();
  });

  describe("over Streamable HTTP (Home Assistant's shape)", () => {
    it("offers the server's tools with object schemas, and a call reaches the server exactly, with the token", async () => {
      const { source, warnings } = rig(http$(ha.url));
      const tools = await source.tools(signal());
      assert.deepStrictEqual(tools.map((t) => t.name), ["HassTurnOn", "HassTurnOff", "HassLightSet", "GetLiveContext"]);
      assert.strictEqual(tools[2].input_schema.type, "object");
      assert.deepStrictEqual((tools[2].input_schema.properties as any).brightness, { type: "integer", minimum: 0, maximum: 100 });
      const outcome = await source.call(use("HassTurnOn", { name: "Kitchen Light" }), origin, signal());
      assert.deepStrictEqual(ha.calls, [{ name: "HassTurnOn", arguments: { name: "Kitchen Light" }, authorization: `Bearer ${TOKEN}` }]);
      assert.strictEqual(outcome.block.tool_use_id, "toolu_HassTurnOn");
      assert.strictEqual(outcome.block.is_error, undefined);
      const content = outcome.block.content as any[];
      assert.strictEqual(content[0].type, "text");
      assert.match(content[0].text, /"action_done"/);
      assert.strictEqual(outcome.record.is_error, false);
      assert.deepStrictEqual(warnings, []);
    });

    it("keeps one session and one tool list across turns; refresh fetches the list again", async () => {
      const { source, session } = rig(http$(ha.url));
      for (let turn = 0; turn < 3; turn++) {
        await source.tools(signal());
        await source.call(use("GetLiveContext", {}), origin, signal());
      }
      assert.strictEqual(session.connections, 1);
      assert.strictEqual(ha.listings, 1);
      ha.tools = ha.tools.filter((t) => t.name !== "HassLightSet");
      assert.strictEqual((await source.tools(signal())).length, 4, "the kept list is used until a refresh");
      session.refresh();
      assert.deepStrictEqual((await source.tools(signal())).map((t) => t.name), ["HassTurnOn", "HassTurnOff", "GetLiveContext"]);
      assert.strictEqual(ha.listings, 2);
      const gone = await source.call(use("HassLightSet", { brightness: 5 }), origin, signal());
      assert.strictEqual(gone.block.is_error, true, "a tool no longer listed is no longer called");
      assert.strictEqual(ha.calls.filter((c) => c.name === "HassLightSet").length, 0);
    });

    it("offers only the allowed tools and refuses any other call before it reaches the server", async () => {
      const { source } = rig(http$(ha.url), { allowed: ["HassTurnOn", "GetLiveContext"] });
      assert.deepStrictEqual((await source.tools(signal())).map((t) => t.name), ["HassTurnOn", "GetLiveContext"]);
      const refused = await source.call(use("HassTurnOff", { name: "Kitchen Light" }), origin, signal());
      assert.strictEqual(refused.block.is_error, true);
      assert.match(String(refused.block.content), /errors\.mcp-tool-not-offered/);
      assert.deepStrictEqual(ha.calls, []);
    });

    it("adds the server's prompt to the instructions when asked", async () => {
      const withPrompt = rig(http$(ha.url), { prompt: "Assist", addInstructions: true });
      assert.strictEqual(await withPrompt.source.instructions(signal()), ASSIST_PROMPT);
      // Exposing another entity changes Home Assistant's prompt: a refresh (a deploy) reads it again.
      ha.prompt = ASSIST_PROMPT + "\n- names: Garden Pump\n  domain: switch";
      assert.strictEqual(await withPrompt.source.instructions(signal()), ASSIST_PROMPT, "kept between deploys");
      withPrompt.session.refresh();
      assert.match((await withPrompt.source.instructions(signal()))!, /Garden Pump/);
      const without = rig(http$(ha.url), { prompt: "Assist", addInstructions: false });
      assert.strictEqual(await without.source.instructions(signal()), undefined);
    });

    it("a refused token gives an error result and a warning, never the token", async () => {
      const { source, warnings } = rig(http$(ha.url, "wrong-token-value"));
      assert.deepStrictEqual(await source.tools(signal()), []);
      assert.match(warnings[0], /errors\.mcp-unauthorized/);
      // Nothing was offered, so nothing is called.
      const outcome = await source.call(use("HassTurnOn", {}), origin, signal());
      assert.strictEqual(outcome.block.is_error, true);
      assert.deepStrictEqual(ha.calls, []);
    });

    it("a server that is down gives an error result and a warning; the next use after it is back reconnects", async () => {
      const port = await freePort();
      const down = new HaMcpStandIn(TOKEN);
      const { source, warnings, session } = rig(http$(`http://127.0.0.1:${port}/api/mcp`));
      assert.deepStrictEqual(await source.tools(signal()), []);
      assert.match(warnings[0], /ECONNREFUSED/);
      await down.start(port);
      try {
        assert.strictEqual((await source.tools(signal())).length, 4);
        assert.strictEqual((await source.call(use("HassTurnOn", { name: "x" }), origin, signal())).block.is_error, undefined);
        await down.stop();
        const failed = await source.call(use("HassTurnOn", { name: "x" }), origin, signal());
        assert.strictEqual(failed.block.is_error, true);
        assert.match(String(failed.block.content), /errors\.mcp-call-failed/);
        assert.match(warnings[warnings.length - 1], /errors\.mcp-call-failed/);
        await down.start(port);
        assert.strictEqual((await source.call(use("HassTurnOn", { name: "y" }), origin, signal())).block.is_error, undefined);
        assert.ok(session.connections >= 2, "a new connection after the failure");
        assert.deepStrictEqual(down.calls.map((c) => c.arguments.name), ["x", "y"]);
      } finally {
        await down.stop();
      }
    });

    it("a server that does not answer is waited for once in a turn, not again for its instructions", async () => {
      // Accepts connections and never answers them.
      const silent = http.createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      try {
        const { source, session, warnings } = rig(http$(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/api/mcp`), { timeoutMs: 300, addInstructions: true });
        assert.deepStrictEqual(await source.tools(signal()), []);
        assert.strictEqual(await source.instructions(signal()), undefined);
        assert.strictEqual(session.connections, 1, "one attempt to connect in the turn");
        assert.strictEqual(warnings.length, 1);
        assert.match(warnings[0], /errors\.mcp-timeout/);
      } finally {
        silent.closeAllConnections();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });

    it("a tool slower than the timeout gives a timeout error result; the session stays usable", async () => {
      let late: NodeJS.Timeout | undefined;
      ha.handlers.HassTurnOn = () => new Promise((resolve) => (late = setTimeout(() => resolve({ content: [{ type: "text", text: "too late" }] }), 3000)));
      const { source, warnings } = rig(http$(ha.url), { timeoutMs: 300 });
      await source.tools(signal());
      const outcome = await source.call(use("HassTurnOn", {}), origin, signal());
      assert.strictEqual(outcome.block.is_error, true);
      assert.match(String(outcome.block.content), /errors\.mcp-timeout/);
      assert.match(warnings[0], /errors\.mcp-timeout/);
      delete ha.handlers.HassTurnOn;
      const next = await source.call(use("HassTurnOn", {}), origin, signal());
      clearTimeout(late);
      assert.strictEqual(next.block.is_error, undefined);
      assert.doesNotMatch(JSON.stringify(next.block.content), /too late/);
    });

    it("stopping (the node closing) ends a call in flight at once, with no warning", async () => {
      ha.handlers.HassTurnOn = () => new Promise(() => undefined);
      const { source, session, warnings } = rig(http$(ha.url));
      await source.tools(signal());
      const stop = new AbortController();
      const pending = source.call(use("HassTurnOn", {}), origin, stop.signal);
      await until(() => ha.calls.length === 1, "the call to arrive");
      stop.abort();
      await session.close();
      const outcome = await pending;
      assert.strictEqual(outcome.block.is_error, true);
      assert.match(String(outcome.block.content), /errors\.mcp-stopped/);
      assert.deepStrictEqual(warnings, []);
    });

    it("the server's isError and structured content reach Claude; a token the server echoes is removed", async () => {
      ha.handlers.HassTurnOff = () => ({ isError: true, content: [{ type: "text", text: `no such device (token ${TOKEN})` }] });
      ha.handlers.GetLiveContext = () => ({ content: [], structuredContent: { lights: { kitchen: "on" } } });
      const { source } = rig(http$(ha.url));
      await source.tools(signal());
      const failed = await source.call(use("HassTurnOff", {}), origin, signal());
      assert.strictEqual(failed.block.is_error, true);
      assert.strictEqual(failed.record.is_error, true);
      assert.ok(!JSON.stringify(failed).includes(TOKEN));
      assert.match(JSON.stringify(failed.block.content), /no such device \(token \[redacted\]\)/);
      const live = await source.call(use("GetLiveContext", {}), origin, signal());
      assert.strictEqual(live.block.content, JSON.stringify({ lights: { kitchen: "on" } }));
      assert.deepStrictEqual(live.record.result, { lights: { kitchen: "on" } });
    });
  });

  describe("over SSE (servers from before Streamable HTTP)", () => {
    let legacy: http.Server;
    let authorizations: string[];
    beforeEach(async () => {
      authorizations = [];
      const transports = new Map<string, SSEServerTransport>();
      legacy = http.createServer(async (req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        authorizations.push(`${req.method} ${req.headers.authorization}`);
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
        if (url.pathname === "/sse" && req.method === "GET") {
          const transport = new SSEServerTransport("/messages", res);
          transports.set(transport.sessionId, transport);
          const server = new Server({ name: "legacy", version: "1" }, { capabilities: { tools: {} } });
          server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [{ name: "Ping", inputSchema: { type: "object" } }] }));
          server.setRequestHandler(CallToolRequestSchema, () => ({ content: [{ type: "text", text: "pong" }] }));
          res.on("close", () => void server.close());
          return void server.connect(transport);
        }
        if (url.pathname === "/messages" && req.method === "POST") return void transports.get(url.searchParams.get("sessionId") ?? "")?.handlePostMessage(req, res);
        // What an SSE-only server answers to Streamable HTTP's POST.
        res.writeHead(405).end();
      });
      await new Promise<void>((resolve) => legacy.listen(0, "127.0.0.1", resolve));
    });
    afterEach(async () => {
      legacy.closeAllConnections();
      await new Promise<void>((resolve) => legacy.close(() => resolve()));
    });

    it("falls back to SSE when the server refuses Streamable HTTP, with the token on every request", async () => {
      const { source } = rig(http$(`http://127.0.0.1:${(legacy.address() as AddressInfo).port}/sse`));
      assert.deepStrictEqual((await source.tools(signal())).map((t) => t.name), ["Ping"]);
      const outcome = await source.call(use("Ping", {}), origin, signal());
      assert.deepStrictEqual(outcome.block.content, [{ type: "text", text: "pong" }]);
      assert.ok(authorizations.some((a) => a.startsWith("GET ")), "the SSE stream was opened");
      assert.ok(authorizations.every((a) => a.endsWith(`Bearer ${TOKEN}`)), authorizations.join(", "));
    });
  });

  describe("over stdio", () => {
    let dir: string;
    let starts: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "mcp-stdio-"));
      starts = path.join(dir, "starts");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const stdio = (): McpEndpoint => ({ kind: "stdio", command: process.execPath, args: [STDIO_SERVER], env: { MCP_STARTS_FILE: starts } });
    const pids = () => (fs.existsSync(starts) ? fs.readFileSync(starts, "utf8").trim().split("\n").map(Number) : []);

    it("runs tools, keeps structured content in the record, turns images into blocks and says what was left out", async () => {
      const { source } = rig(stdio(), { addInstructions: true });
      assert.deepStrictEqual((await source.tools(signal())).map((t) => t.name), ["Echo", "Crash", "AddTool", "Picture"]);
      assert.strictEqual(await source.instructions(signal()), "Use Echo to repeat text.");
      const echo = await source.call(use("Echo", { text: "hello" }), origin, signal());
      assert.deepStrictEqual(echo.block.content, [{ type: "text", text: "hello" }]);
      assert.deepStrictEqual(echo.record.result, { echoed: "hello" });
      const picture = await source.call(use("Picture", {}), origin, signal());
      const blocks = picture.block.content as any[];
      assert.strictEqual(blocks[0].type, "image");
      assert.strictEqual(blocks[0].source.media_type, "image/png");
      assert.deepStrictEqual(blocks[1], { type: "text", text: "(audio left out)" });
    });

    it("takes the server's list-changed notice: the next turn offers the new tool", async () => {
      const { source } = rig(stdio());
      assert.strictEqual((await source.tools(signal())).length, 4);
      await source.call(use("AddTool", {}), origin, signal());
      let names: string[] = [];
      for (let i = 0; i < 50 && !names.includes("Added"); i++) {
        names = (await source.tools(signal())).map((t) => t.name);
        if (!names.includes("Added")) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(names.includes("Added"), `the new tool is offered: ${names}`);
      const added = await source.call(use("Added", {}), origin, signal());
      assert.deepStrictEqual(added.block.content, [{ type: "text", text: "the added tool ran" }]);
    });

    it("a server that crashes is started again a few times, then reported; close leaves no process", async () => {
      const { source, session, warnings } = rig(stdio(), { maxRestarts: 2 });
      await source.tools(signal());
      for (let i = 0; i < 3; i++) {
        const crash = await source.call(use("Crash", {}), origin, signal());
        assert.strictEqual(crash.block.is_error, true, `crash ${i + 1} is an error result`);
      }
      assert.strictEqual(pids().length, 3, "started once and again after each of the first two exits");
      const given = await source.call(use("Echo", { text: "x" }), origin, signal());
      assert.strictEqual(given.block.is_error, true);
      assert.match(String(given.block.content), /errors\.mcp-gave-up/);
      assert.match(warnings[warnings.length - 1], /errors\.mcp-gave-up/);
      assert.strictEqual(pids().length, 3, "not started again after giving up");
      await session.close();
      for (const pid of pids()) await until(() => !alive(pid), `process ${pid} to end`);
    });

    it("close ends a running server process", async () => {
      const { source, session } = rig(stdio());
      await source.call(use("Echo", { text: "x" }), origin, signal()).catch(() => undefined);
      await source.tools(signal());
      const [pid] = pids();
      assert.ok(alive(pid));
      await session.close();
      await until(() => !alive(pid), "the server process to end");
    });
  });
});
