// 6. MCP tool calls: the time one call of a Home Assistant MCP tool takes through the node's MCP tool
// source (allowed-list check, deadline, result conversion, kept session) against the same call made
// directly with the MCP SDK's client on a kept connection, both against the Home Assistant MCP
// stand-in on loopback. Also the tool list: how often a run of turns asks the server for it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { McpToolSource } from "../nodes/lib/mcp/mcp-source";
import { McpSession } from "../nodes/lib/mcp/session";
import { HaMcpStandIn } from "../test/standins/ha-mcp-standin";
import { AnthropicStandIn } from "../test/standins/anthropic-standin";
import { Conversations, conversationFlow } from "./support/flows";
import { measure, median, percentile } from "./support/measure";
import { startRuntime } from "./support/node-red";

export interface McpOptions {
  calls: number;
  rounds: number;
  /** Turns that ask the source for its tools, as a conversation does once per turn. */
  turns: number;
  /** Turns through a conversation node per round, with and without an MCP server's tools. */
  flowTurns: number;
}

export const MCP_DEFAULTS: McpOptions = { calls: 500, rounds: 3, turns: 1000, flowTurns: 300 };

export interface McpSide {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  /** Calls whose result reached the caller as the server sent it. */
  correct: number;
}

export interface McpResult {
  options: McpOptions;
  source: McpSide;
  direct: McpSide;
  /** Source median / direct median: the median of each round's ratio. */
  ratio: number;
  /** tools/list requests the server answered during `turns` turns. */
  listings: number;
  /** Median time of a turn's tool list from the kept list. */
  listP50Ms: number;
  /** Turns per second through a conversation node with the MCP server's tools and without (median of rounds). */
  turnsPerSecond: { withMcp: number; without: number };
  /** tools/list requests during all turns with MCP tools (one deploy). */
  flowListings: number;
  /** Turns whose request offered the server's tools. */
  offered: number;
}

const TOKEN = "bench-token-0123456789";
const ARGS = { name: "Kitchen Light" };

function side(times: number[], correct: number): McpSide {
  return { calls: times.length, p50Ms: median(times), p99Ms: percentile(times, 99), correct };
}

export async function runMcp(options: McpOptions): Promise<McpResult> {
  const server = new HaMcpStandIn(TOKEN);
  await server.start();
  const endpoint = { kind: "http" as const, url: server.url, headers: { Authorization: `Bearer ${TOKEN}` } };
  const session = new McpSession({ endpoint, timeoutMs: 10_000 });
  const source = new McpToolSource(session, {
    label: "bench",
    allowed: [],
    addInstructions: false,
    timeoutSeconds: 10,
    text: (key) => key,
    resultTexts: { cut: () => "", empty: "", omitted: () => "" },
    warn: () => undefined,
    secrets: [TOKEN],
  });
  const client = new Client({ name: "bench-direct", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: endpoint.headers } }));
  const signal = new AbortController().signal;
  const origin = { conversationId: "bench", msg: {} };
  try {
    await source.tools(signal);
    const listingsBefore = server.listings;
    const listTimes: number[] = [];
    for (let i = 0; i < options.turns; i++) {
      listTimes.push((await measure(() => source.tools(signal))).wallMs);
    }
    const listings = server.listings - listingsBefore + 1;

    const viaSource: number[] = [];
    const direct: number[] = [];
    let sourceOk = 0;
    let directOk = 0;
    const ratios: number[] = [];
    // Warm both paths, then alternate rounds so load on the machine hits both alike.
    for (let i = 0; i < 20; i++) {
      await source.call({ type: "tool_use", id: `w${i}`, name: "HassTurnOn", input: ARGS } as ToolUseBlock, origin, signal);
      await client.callTool({ name: "HassTurnOn", arguments: ARGS });
    }
    for (let round = 0; round < options.rounds; round++) {
      const a: number[] = [];
      const b: number[] = [];
      const viaSourceOnce = async (id: string) => {
        const { wallMs, value: outcome } = await measure(() => source.call({ type: "tool_use", id, name: "HassTurnOn", input: ARGS } as ToolUseBlock, origin, signal));
        a.push(wallMs);
        if (!outcome.block.is_error && JSON.stringify(outcome.block.content).includes("action_done")) sourceOk++;
      };
      const directOnce = async () => {
        const { wallMs, value: result } = await measure(() => client.callTool({ name: "HassTurnOn", arguments: ARGS }));
        b.push(wallMs);
        if (!result.isError && JSON.stringify(result.content).includes("action_done")) directOk++;
      };
      // Alternating which goes first, so neither gains from following the other.
      for (let i = 0; i < options.calls; i++) {
        if (i % 2) {
          await viaSourceOnce(`t${round}_${i}`);
          await directOnce();
        } else {
          await directOnce();
          await viaSourceOnce(`t${round}_${i}`);
        }
      }
      ratios.push(median(a) / median(b));
      viaSource.push(...a);
      direct.push(...b);
    }
    const flow = await turnsThroughNodeRed(options, server);
    return { options, source: side(viaSource, sourceOk), direct: side(direct, directOk), ratio: median(ratios), listings, listP50Ms: median(listTimes), ...flow };
  } finally {
    await client.close();
    await session.close();
    await server.stop();
  }
}

/** Turns of a real conversation node with the server's tools offered, against the same without. */
async function turnsThroughNodeRed(options: McpOptions, server: HaMcpStandIn): Promise<Pick<McpResult, "turnsPerSecond" | "flowListings" | "offered">> {
  const runtime = await startRuntime();
  const api = await new AnthropicStandIn().start();
  let offered = 0;
  api.fallback = (req) => {
    if (req.body?.tools?.some((t: { name: string }) => t.name === "HassTurnOn")) offered++;
    return { content: [{ type: "text", text: "ok" }] };
  };
  const mcpNode = { id: "mcp", type: "claude-mcp", name: "bench", connection: "http", url: server.url, tools: [], credentials: { token: TOKEN } };
  const flows = (withMcp: boolean) => [
    ...conversationFlow(api.url, { conversation: { toolMode: "none", mcp: withMcp ? ["mcp"] : [] } }),
    ...(withMcp ? [mcpNode] : []),
  ];
  const rate = async (withMcp: boolean, round: number) => {
    await runtime.deploy(flows(withMcp));
    const conversations = new Conversations(runtime);
    await conversations.say(`warm-${round}-${withMcp}`, "hello");
    const { wallMs } = await measure(async () => {
      for (let i = 0; i < options.flowTurns; i++) await conversations.say(`r${round}-${withMcp}-${i}`, "hello");
    });
    return options.flowTurns / (wallMs / 1000);
  };
  try {
    const withMcp: number[] = [];
    const without: number[] = [];
    let flowListings = 0;
    for (let round = 0; round < options.rounds; round++) {
      // Alternating which goes first, as for the calls.
      if (round % 2) without.push(await rate(false, round));
      const before = server.listings;
      offered = 0;
      withMcp.push(await rate(true, round));
      flowListings = server.listings - before;
      if (!(round % 2)) without.push(await rate(false, round));
    }
    return { turnsPerSecond: { withMcp: median(withMcp), without: median(without) }, flowListings, offered };
  } finally {
    await runtime.deploy([]);
    await api.stop();
  }
}
