// Runs the benchmarks and prints their tables (Markdown, ready for bench/README.md).
//   node dist/bench/run.js [--only overhead,concurrency,memory,cost,tool-loop,mcp,streaming,durable-store,household] [--smoke] [--json <file>]
// --smoke runs each with tiny numbers, to check the benchmark code itself; its timings mean nothing.
import * as fs from "fs";
import * as os from "os";
import { minCacheableTokens } from "../test/standins/prompt-cache-sim";
import { COST_DEFAULTS, LONG_COST, STRATEGIES, runCost, type CostOptions, type CostResult } from "./cost";
import { DURABLE_STORE_DEFAULTS, runDurableStore, type DurableStoreOptions, type DurableStoreResult } from "./durable-store";
import { CONCURRENCY_DEFAULTS, runConcurrency, type ConcurrencyOptions, type ConcurrencyResult } from "./concurrency";
import { HOUSEHOLD_DEFAULTS, runHousehold, type HouseholdOptions, type HouseholdResult } from "./household";
import { DEFAULT_MAX_MESSAGES, MEMORY_DEFAULTS, runMemory, type MemoryOptions, type MemoryResult } from "./memory";
import { OVERHEAD_DEFAULTS, runOverhead, type OverheadOptions, type OverheadResult } from "./overhead";
import { startRuntime } from "./support/node-red";
import { STREAMING_DEFAULTS, runStreaming, type StreamingOptions, type StreamingResult } from "./streaming";
import { TOOL_LOOP_DEFAULTS, runToolLoop, type ToolLoopOptions, type ToolLoopResult } from "./tool-loop";
import { MCP_DEFAULTS, runMcp, type McpOptions, type McpResult } from "./mcp";

export const SMOKE = {
  overhead: { messages: 5, rounds: 1 } as OverheadOptions,
  concurrency: { conversations: 4, turns: 2, latencyMs: 5, rounds: 1 } as ConcurrencyOptions,
  memory: { conversations: 20, cappedConversations: 2, cappedTurns: 25, parallel: 5, expiryMinutes: 0.01 } as MemoryOptions,
  toolLoop: { turns: 3, rounds: 1 } as ToolLoopOptions,
  mcp: { calls: 5, rounds: 1, turns: 5, flowTurns: 3 } as McpOptions,
  streaming: { turns: 3, rounds: 1, longChars: 400, longGapMs: 5 } as StreamingOptions,
  durableStore: { conversations: [1, 3], messages: 4, writes: 3 } as DurableStoreOptions,
  household: { turns: 12, toolEvery: 4, toolResultTokens: 500, systemTokens: 300, userTokens: 20, replyTokens: 80, window: 2500, model: "claude-haiku-4-5" } as HouseholdOptions,
  cost: { turns: 3, systemTokens: 100, userTokens: 10, replyTokens: 20, models: ["claude-haiku-4-5"], serverTools: false, tools: 0, toolCallEvery: 0, minTokens: 50 } as CostOptions,
};

export interface Results {
  overhead?: OverheadResult;
  concurrency?: ConcurrencyResult;
  memory?: MemoryResult;
  cost?: CostResult;
  longCost?: CostResult;
  toolLoop?: ToolLoopResult;
  household?: HouseholdResult;
  mcp?: McpResult;
  streaming?: StreamingResult;
  durableStore?: DurableStoreResult;
}

const ALL = ["overhead", "concurrency", "memory", "cost", "tool-loop", "mcp", "streaming", "durable-store", "household"] as const;

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

const ms = (v: number) => `${v.toFixed(Math.abs(v) < 10 ? 2 : 0)} ms`;
const signedMs = (v: number) => (v >= 0 ? "+" : "−") + ms(Math.abs(v));
const pct = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)} %`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const n = (v: number) => Math.round(v).toLocaleString("en-US");
const met = (ok: boolean) => (ok ? "met" : "**missed**");

function overheadTable(r: OverheadResult): string {
  return [
    `### 1. Overhead: ${n(r.options.messages)} messages one after another, zero-latency stand-in (median of ${r.options.rounds} rounds)`,
    "",
    table(
      ["", "inject → conversation → sink", "direct SDK", "difference", "target"],
      [
        ["wall time", ms(r.flow.wallMs), ms(r.direct.wallMs), pct(r.wallRatio), `< +10 % (${met(r.wallRatio < 1.1)})`],
        ["CPU per message", ms(r.flow.cpuPerMessageMs), ms(r.direct.cpuPerMessageMs), signedMs(r.addedCpuPerMessageMs), `< 1 ms (${met(r.addedCpuPerMessageMs < 1)})`],
        ["answered correctly", n(r.flow.answered), n(r.direct.answered), "", ""],
      ],
    ),
  ].join("\n");
}

function concurrencyTable(r: ConcurrencyResult): string {
  const o = r.options;
  return [
    `### 2. Concurrency: ${n(o.conversations)} conversations at once × ${o.turns} turns, stand-in answers after ${o.latencyMs} ms (median of ${o.rounds} rounds)`,
    "",
    table(
      ["", "through the flow", "direct SDK", "flow / direct", "target"],
      [
        ["throughput", `${r.flow.throughput.toFixed(0)} turns/s`, `${r.direct.throughput.toFixed(0)} turns/s`, r.throughputRatio.toFixed(3), `≥ 0.9 (${met(r.throughputRatio >= 0.9)})`],
        ["p50 latency", ms(r.flow.p50Ms), ms(r.direct.p50Ms), "", ""],
        ["p99 latency", ms(r.flow.p99Ms), ms(r.direct.p99Ms), "", ""],
        ["CPU per turn", ms(r.flow.cpuPerTurnMs), ms(r.direct.cpuPerTurnMs), signedMs(r.flow.cpuPerTurnMs - r.direct.cpuPerTurnMs), ""],
        ["answers with cross-talk", n(r.flow.crossTalk), n(r.direct.crossTalk), "", `0 (${met(r.flow.crossTalk === 0)})`],
      ],
    ),
  ].join("\n");
}

function memoryTable(r: MemoryResult): string {
  const o = r.options;
  const nearBaseline = r.expiredBytes - r.baselineBytes < 0.1 * (r.storedBytes - r.baselineBytes);
  return [
    `### 3. Memory: heap of the Node-RED process (after full garbage collections), default memory context and caps`,
    "",
    table(
      ["state", "heap used", "vs baseline", "per conversation", "stored JSON per conversation"],
      [
        ["baseline (flow deployed, warmed up)", mb(r.baselineBytes), "", "", ""],
        [`${n(r.storedCount)} conversations of one turn`, mb(r.storedBytes), `+${mb(r.storedBytes - r.baselineBytes)}`, kb(r.perConversationBytes), kb(r.recordJsonBytes)],
        [
          `+ ${n(o.cappedConversations)} conversations of ${o.cappedTurns} turns (longest kept: ${r.longestHistory} messages, cap ${DEFAULT_MAX_MESSAGES}: ${met(r.longestHistory <= DEFAULT_MAX_MESSAGES)})`,
          mb(r.cappedBytes),
          `+${mb(r.cappedBytes - r.baselineBytes)}`,
          kb(r.perCappedConversationBytes),
          kb(r.cappedRecordJsonBytes),
        ],
        [
          `after expiry (${r.leftAfterExpiry} left after ${(r.expiryMs / 1000).toFixed(1)} s; near baseline: ${met(r.leftAfterExpiry === 0 && nearBaseline)})`,
          mb(r.expiredBytes),
          `${r.expiredBytes >= r.baselineBytes ? "+" : "−"}${mb(Math.abs(r.expiredBytes - r.baselineBytes))}`,
          "",
          "",
        ],
      ],
    ),
  ].join("\n");
}

function costTable(r: CostResult, title: string): string {
  const o = r.options;
  const parts = [
    `### ${title}: ${o.turns} turns, ${n(o.systemTokens)}-token system prompt${o.serverTools ? ", server tools (web search, code execution)" : ""}${o.tools ? `, ${o.tools} Home Assistant-like tool nodes${o.toolCallEvery ? ` (one called every ${o.toolCallEvery} turns)` : ""}` : ""}, ${o.userTokens}-token questions, ${o.replyTokens}-token answers; input-token equivalents (input 1, cache write 1.25, cache read 0.1)`,
  ];
  for (const model of o.models) {
    const rows = STRATEGIES.map(({ caching }) => r.strategies.find((s) => s.model === model && s.caching === caching)!);
    const none = rows[0];
    const ha = rows[1];
    parts.push(
      "",
      `**${model}** (minimum cacheable prompt ${n(o.minTokens ?? minCacheableTokens(model))} tokens): default / Home Assistant = ${r.defaultVsHaLastTurn[model].toFixed(3)} at turn ${o.turns} (target ≤ 0.5: ${met(r.defaultVsHaLastTurn[model] <= 0.5)}), ${r.defaultVsHa[model].toFixed(3)} over all ${o.turns} turns`,
      "",
      table(
        ["strategy", "turn 1", `turn ${o.turns}`, `all ${o.turns} turns`, "vs no caching", "vs Home Assistant"],
        rows.map((s) => [s.label, n(s.turns[0].cost), n(s.last), n(s.total), (s.total / none.total).toFixed(3), (s.total / ha.total).toFixed(3)]),
      ),
    );
  }
  return parts.join("\n");
}

function toolLoopTable(r: ToolLoopResult): string {
  return [
    `### 5. Tool loop: ${n(r.options.turns)} turns, each one tool call, from the call leaving the stand-in to its result arriving in the next request (median of ${r.options.rounds} rounds)`,
    "",
    table(
      ["", "Claude tool → function node → Claude tool result", "direct SDK, calling the function", "flow / direct"],
      [
        ["p50", ms(r.flow.p50Ms), ms(r.direct.p50Ms), r.ratio.toFixed(2)],
        ["p99", ms(r.flow.p99Ms), ms(r.direct.p99Ms), ""],
        ["results as the function returned them", `${n(r.flow.correct)} of ${n(r.flow.loops)}`, `${n(r.direct.correct)} of ${n(r.direct.loops)}`, ""],
      ],
    ),
  ].join("\n");
}

function durableStoreTable(r: DurableStoreResult): string {
  return [
    `### 8. Durable store: one turn saved into a \`localfilesystem\` store with \`cache: false\` (the node's whole context file read and written), conversations of ${n(r.options.messages)} messages (${n(r.options.writes)} saves per row)`,
    "",
    table(
      ["conversations in the node", "context file", "p50 per turn", "p99 per turn"],
      r.rows.map((row) => [n(row.conversations), kb(row.fileBytes), ms(row.p50Ms), ms(row.p99Ms)]),
    ),
    "",
    `Daily count (one small file per request): ${ms(r.countP50Ms)} p50.`,
  ].join("\n");
}

function mcpTable(r: McpResult): string {
  return [
    `### 6. MCP tool calls: ${n(r.options.calls)} calls of Home Assistant's HassTurnOn per round over Streamable HTTP, loopback stand-in (${r.options.rounds} rounds)`,
    "",
    table(
      ["", "MCP tool source", "direct MCP SDK call", "ratio (median of rounds)", "target"],
      [
        ["p50 per call", ms(r.source.p50Ms), ms(r.direct.p50Ms), r.ratio.toFixed(2) + "×", `≤ 1.1× (${met(r.ratio <= 1.1)})`],
        ["p99 per call", ms(r.source.p99Ms), ms(r.direct.p99Ms), "", ""],
        ["answered correctly", n(r.source.correct), n(r.direct.correct), "", ""],
        [`tool list for ${n(r.options.turns)} turns`, `${n(r.listings)} request(s), ${ms(r.listP50Ms)} p50`, "", "", "1 request (kept list)"],
        [`turns per second, conversation node (${n(r.options.flowTurns)} turns)`, `${r.turnsPerSecond.withMcp.toFixed(0)} with the server's tools`, `${r.turnsPerSecond.without.toFixed(0)} without`, (r.turnsPerSecond.withMcp / r.turnsPerSecond.without).toFixed(2) + "×", ""],
        ["tools/list requests for those turns", `${n(r.flowListings)} (one deploy)`, "", "", "1"],
      ],
    ),
  ].join("\n");
}

function streamingTable(r: StreamingResult): string {
  const o = r.options;
  const l = r.long;
  return [
    `### 7. Streaming out: ${n(o.turns)} turns a side and round, from the stand-in's first text event to the first partial message reaching the next node (median of ${o.rounds} rounds)`,
    "",
    table(
      ["", "conversation node, stream output", "function node, SDK stream", "node / function", "target"],
      [
        ["p50", ms(r.node.p50Ms), ms(r.fn.p50Ms), r.ratio.toFixed(2), `≤ 1.05 (${met(r.ratio <= 1.05)})`],
        ["p99", ms(r.node.p99Ms), ms(r.fn.p99Ms), "", ""],
      ],
    ),
    "",
    `A long answer of ${n(l.chars)} characters written as ${n(l.textEvents)} text events ${o.longGapMs} ms apart became **${n(l.messages)} messages** at the default pace of ${l.intervalMs} ms (in ${(l.wallMs / 1000).toFixed(1)} s); joined they ${l.joinedEqualsAnswer ? "equal" : "**do not equal**"} the answer.`,
  ].join("\n");
}

function householdTable(r: HouseholdResult): string {
  const o = r.options;
  const row = (s: HouseholdResult["ha"]) => [s.label, n(s.failed), n(s.atWindow), n(Math.round(s.perTurn[Math.floor(o.turns / 4)])), n(Math.round(s.perTurn[o.turns - 1])), s.growth.toFixed(2), n(Math.round(s.total))];
  return [
    `### 9. A household conversation: ${n(o.turns)} turns on ${o.model} (a ${n(o.window)}-token window the stand-in enforces), a ${n(o.toolResultTokens)}-token tool result every ${o.toolEvery} turns, ${n(o.systemTokens)}-token system prompt; input-token equivalents`,
    "",
    `default / Home Assistant = ${r.ratio.toFixed(3)} over all turns (target ≤ 0.35: ${met(r.ratio <= 0.35)}); failed turns with the default: ${r.ours.failed} (target 0: ${met(r.ours.failed === 0)})`,
    "",
    `compaction / Home Assistant = ${r.summarisedRatio.toFixed(3)} over all turns, ${n(r.summarised.compactions)} summaries made (their tokens included); failed turns: ${r.summarised.failed}`,
    "",
    table(
      ["strategy", "failed turns", "turns at the window", `turn ${Math.floor(o.turns / 4) + 1}`, `turn ${o.turns}`, "last quarter / second quarter", `all ${n(o.turns)} turns`],
      [row(r.ha), row(r.ours), row(r.summarised)],
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const onlyArg = args[args.indexOf("--only") + 1];
  const only = args.includes("--only") ? onlyArg.split(",") : [...ALL];
  const jsonFile = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
  const results: Results = {};
  const print = (text: string) => process.stdout.write(text + "\n\n");

  const load = os.loadavg()[0].toFixed(1);
  print(`Node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length}, load average ${load} at start, ${new Date().toISOString().slice(0, 10)}${smoke ? " (smoke run: numbers are meaningless)" : ""}`);
  if (only.includes("overhead")) print(overheadTable((results.overhead = await runOverhead(smoke ? SMOKE.overhead : OVERHEAD_DEFAULTS))));
  if (only.includes("concurrency")) print(concurrencyTable((results.concurrency = await runConcurrency(smoke ? SMOKE.concurrency : CONCURRENCY_DEFAULTS))));
  if (only.includes("memory")) print(memoryTable((results.memory = await runMemory(smoke ? SMOKE.memory : MEMORY_DEFAULTS))));
  if (only.includes("cost")) {
    print(costTable((results.cost = await runCost(smoke ? SMOKE.cost : COST_DEFAULTS)), "4. Cost of a conversation"));
    if (!smoke) print(costTable((results.longCost = await runCost(LONG_COST)), "4b. A longer conversation, past the 40-message cap"));
  }
  if (only.includes("tool-loop")) print(toolLoopTable((results.toolLoop = await runToolLoop(smoke ? SMOKE.toolLoop : TOOL_LOOP_DEFAULTS))));
  if (only.includes("mcp")) print(mcpTable((results.mcp = await runMcp(smoke ? SMOKE.mcp : MCP_DEFAULTS))));
  if (only.includes("streaming")) print(streamingTable((results.streaming = await runStreaming(smoke ? SMOKE.streaming : STREAMING_DEFAULTS))));
  if (only.includes("durable-store")) print(durableStoreTable((results.durableStore = await runDurableStore(smoke ? SMOKE.durableStore : DURABLE_STORE_DEFAULTS))));
  if (only.includes("household")) print(householdTable((results.household = await runHousehold(smoke ? SMOKE.household : HOUSEHOLD_DEFAULTS))));
  if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(results, null, 2));
  await (await startRuntime()).stop();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
