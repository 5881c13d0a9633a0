// 5. The tool loop: the time from Claude's tool call leaving the API to its result arriving back in
// the next request, through a real flow (conversation → Claude tool → function node → Claude tool
// result), versus the same loop written directly with the SDK calling the same function. Both are
// timed at the stand-in (in this process): from answering with the tool call to receiving the result.
import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam, Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { DEFAULT_OPTIONS } from "../nodes/lib/api/options";
import { buildRequest } from "../nodes/lib/api/request";
import { AnthropicStandIn } from "../test/standins/anthropic-standin";
import { KEY, startRuntime } from "./support/node-red";
import { Conversations, TAB, conversationFlow } from "./support/flows";
import { median, percentile } from "./support/measure";

export interface ToolLoopOptions {
  turns: number;
  rounds: number;
}

export const TOOL_LOOP_DEFAULTS: ToolLoopOptions = { turns: 300, rounds: 3 };

export interface ToolLoopSide {
  loops: number;
  p50Ms: number;
  p99Ms: number;
  /** Tool results that arrived exactly as the function returned them. */
  correct: number;
}

export interface ToolLoopResult {
  options: ToolLoopOptions;
  flow: ToolLoopSide;
  direct: ToolLoopSide;
  /** Flow median / direct median: the median of each round's ratio. */
  ratio: number;
}

const SCHEMA = { type: "object", properties: { room: { type: "string" }, on: { type: "boolean" } }, required: ["room", "on"] };
const INPUT = { room: "kitchen", on: true };
const TOOL: Tool = { name: "set_lamp", description: "Switches the lamp of a room.", input_schema: SCHEMA as Tool["input_schema"] };

/** The tool's work, the same in the function node and in the direct loop. */
const FUNCTION_BODY = "return { ok: true, lamp: input.room, on: input.on };";
const toolFunction = new Function("input", FUNCTION_BODY) as (input: unknown) => unknown;
const EXPECTED = JSON.stringify(toolFunction(INPUT));

function toolFlow(url: string): unknown[] {
  return [
    ...conversationFlow(url),
    { id: "tool", type: "claude-tool", z: TAB, x: 100, y: 300, name: TOOL.name, description: TOOL.description, mode: "plain", schema: JSON.stringify(SCHEMA), timeout: 30, wires: [["work"]] },
    { id: "work", type: "function", z: TAB, x: 300, y: 300, func: `const input = msg.payload;\nmsg.payload = (() => { ${FUNCTION_BODY} })();\nreturn msg;`, outputs: 1, wires: [["result"]] },
    { id: "result", type: "claude-tool-result", z: TAB, x: 500, y: 300, wires: [] },
  ];
}

function lastToolResult(body: any): any {
  const last = body?.messages?.[body.messages.length - 1];
  return Array.isArray(last?.content) ? last.content.find((b: any) => b.type === "tool_result") : undefined;
}

export async function runToolLoop(options: ToolLoopOptions = TOOL_LOOP_DEFAULTS): Promise<ToolLoopResult> {
  const runtime = await startRuntime();
  const api = await new AnthropicStandIn().start();
  let calledAt = 0;
  let calls = 0;
  let latencies: number[] = [];
  let correct = 0;
  api.fallback = (req) => {
    const result = lastToolResult(req.body);
    if (!result) {
      calledAt = performance.now();
      return { content: [{ type: "tool_use", id: `toolu_bench_${++calls}`, name: TOOL.name, input: INPUT }] };
    }
    latencies.push(performance.now() - calledAt);
    if (result.content === EXPECTED && result.is_error !== true) correct++;
    return { content: [{ type: "text", text: "Done." }] };
  };
  try {
    await runtime.deploy(toolFlow(api.url));
    const conversations = new Conversations(runtime);
    const client = new Anthropic({ apiKey: KEY, baseURL: api.url, logLevel: "off" });

    const viaFlow = async (round: number) => {
      for (let i = 0; i < options.turns; i++) await conversations.say(`r${round}t${i}`, "Turn on the kitchen light.");
    };
    const direct = async () => {
      for (let i = 0; i < options.turns; i++) {
        const messages: MessageParam[] = [{ role: "user", content: "Turn on the kitchen light." }];
        const first = await client.messages.stream(buildRequest(DEFAULT_OPTIONS, { messages, tools: [TOOL] })).finalMessage();
        const call = first.content.find((b): b is ToolUseBlock => b.type === "tool_use")!;
        const output = toolFunction(call.input);
        messages.push({ role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: JSON.stringify(output) }] });
        await client.messages.stream(buildRequest(DEFAULT_OPTIONS, { messages, tools: [TOOL] })).finalMessage();
      }
    };
    const measureSide = async (run: () => Promise<void>) => {
      latencies = [];
      correct = 0;
      await run();
      return { latencies, correct };
    };

    await measureSide(direct);
    await measureSide(() => viaFlow(-1));
    type Round = { latencies: number[]; correct: number };
    const flowRounds: Round[] = [];
    const directRounds: Round[] = [];
    for (let r = 0; r < options.rounds; r++) {
      // Alternate which goes first, so neither always inherits the other's garbage.
      if (r % 2) flowRounds.push(await measureSide(() => viaFlow(r)));
      directRounds.push(await measureSide(direct));
      if (!(r % 2)) flowRounds.push(await measureSide(() => viaFlow(r)));
    }
    const side = (rounds: Round[]): ToolLoopSide => {
      const all = rounds.flatMap((r) => r.latencies);
      return { loops: all.length, p50Ms: percentile(all, 50), p99Ms: percentile(all, 99), correct: rounds.reduce((n, r) => n + r.correct, 0) };
    };
    return {
      options,
      flow: side(flowRounds),
      direct: side(directRounds),
      ratio: median(flowRounds.map((f, i) => median(f.latencies) / median(directRounds[i].latencies))),
    };
  } finally {
    await api.stop();
  }
}
