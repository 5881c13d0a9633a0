// 7. Streaming out: the time from the stand-in writing an answer's first text event to the first
// partial message reaching the next node, through the conversation node's stream output, versus a
// function node that runs the SDK's stream itself and sends each piece of text on at once. Both in
// the same Node-RED, against the stand-in in this process (so both clocks are the same). Then how many
// messages a long answer, written at a model's pace, becomes.
import Anthropic from "@anthropic-ai/sdk";
import { DEFAULT_OPTIONS } from "../nodes/lib/api/options";
import { buildRequest } from "../nodes/lib/api/request";
import { DEFAULT_STREAM_INTERVAL_MS } from "../nodes/lib/conversation/text-stream";
import { AnthropicStandIn, type RecordedRequest } from "../test/standins/anthropic-standin";
import { KEY, startRuntime, type Runtime } from "./support/node-red";
import { TAB, conversationFlow } from "./support/flows";
import { median, percentile } from "./support/measure";

export interface StreamingOptions {
  /** Turns per side and round for the first-text time (the stand-in writes at once). */
  turns: number;
  rounds: number;
  /** The long answer: its length, and the pause between the stand-in's text events (16 characters each). */
  longChars: number;
  longGapMs: number;
}

export const STREAMING_DEFAULTS: StreamingOptions = { turns: 200, rounds: 5, longChars: 3000, longGapMs: 40 };

export interface StreamingSide {
  turns: number;
  p50Ms: number;
  p99Ms: number;
}

export interface StreamingResult {
  options: StreamingOptions;
  node: StreamingSide;
  fn: StreamingSide;
  /** Node median / function median: the median of each round's ratio. */
  ratio: number;
  long: {
    intervalMs: number;
    chars: number;
    textEvents: number;
    messages: number;
    /** The messages joined equal the answer on the first output. */
    joinedEqualsAnswer: boolean;
    wallMs: number;
  };
}

const QUESTION = "Tell me about streaming.";
const SHORT_ANSWER = "Streaming shows the answer while it is written. ".repeat(4);

/** The function node: the SDK's stream, each piece of text sent on at once, the whole answer at the end. */
const FUNCTION_BODY = `
const Anthropic = global.get("AnthropicSDK");
let client = context.get("client");
if (!client) { client = new Anthropic({ apiKey: msg.key, baseURL: msg.baseURL, logLevel: "off" }); context.set("client", client); }
const stream = client.messages.stream(msg.params);
let index = 0;
stream.on("text", (delta) => node.send([null, { payload: delta, index: index++ }]));
const final = await stream.finalMessage();
return [{ payload: final.content.map((b) => b.text || "").join("") }, null];
`;

function streamingFlow(url: string, intervalMs: number): unknown[] {
  const flow = conversationFlow(url, { conversation: { stream: true, streamInterval: intervalMs, outputs: 2, wires: [["sink"], ["parts"]] } });
  return [
    ...flow,
    { id: "parts", type: "debug", z: TAB, x: 500, y: 150, active: false, tosidebar: false, console: false, complete: "payload", wires: [] },
    { id: "fn", type: "function", z: TAB, x: 300, y: 300, func: FUNCTION_BODY, outputs: 2, wires: [["fnsink"], ["fnparts"]] },
    { id: "fnsink", type: "debug", z: TAB, x: 500, y: 300, active: false, tosidebar: false, console: false, complete: "payload", wires: [] },
    { id: "fnparts", type: "debug", z: TAB, x: 500, y: 350, active: false, tosidebar: false, console: false, complete: "payload", wires: [] },
  ];
}

/** Runs one turn through a side and resolves with the time from the first text event to the first partial, and every part. */
function turn(runtime: Runtime, api: AnthropicStandIn, side: "node" | "fn"): Promise<{ firstMs: number; parts: string[]; answer: string }> {
  return new Promise((resolve, reject) => {
    let request: RecordedRequest | undefined;
    let firstAt = 0;
    const parts: string[] = [];
    const previous = api.fallback;
    api.fallback = (req) => {
      request = req;
      return previous(req);
    };
    const timer = setTimeout(() => reject(new Error(`no answer through ${side}`)), 60_000);
    runtime.onMessage(side === "node" ? "parts" : "fnparts", (msg) => {
      if (!parts.length) firstAt = performance.now();
      parts.push(msg.payload);
    });
    runtime.onMessage(side === "node" ? "sink" : "fnsink", (msg) => {
      clearTimeout(timer);
      api.fallback = previous;
      resolve({ firstMs: firstAt - (request?.firstTextAt ?? NaN), parts, answer: msg.payload });
    });
    runtime.onMessage("failed", (msg) => reject(new Error(msg.error?.message ?? "the turn failed")));
    if (side === "node") runtime.node("chat").receive({ payload: QUESTION, conversation_id: "bench", reset: true });
    else runtime.node("fn").receive({ params: buildRequest(DEFAULT_OPTIONS, { messages: [{ role: "user", content: QUESTION }] }), key: KEY, baseURL: api.url });
  });
}

export async function runStreaming(options: StreamingOptions = STREAMING_DEFAULTS): Promise<StreamingResult> {
  const runtime = await startRuntime();
  const api = await new AnthropicStandIn().start();
  try {
    await runtime.deploy(streamingFlow(api.url, DEFAULT_STREAM_INTERVAL_MS));
    runtime.node("fn").context().global.set("AnthropicSDK", Anthropic);
    api.fallback = () => ({ content: [{ type: "text", text: SHORT_ANSWER }] });

    const once = async (side: "node" | "fn") => {
      const r = await turn(runtime, api, side);
      if (r.parts.join("") !== r.answer) throw new Error(`${side}: the parts do not add up to the answer`);
      return r.firstMs;
    };
    // Turn by turn, alternating which side goes first, so both meet the same load on a shared machine.
    const round = async (measured: boolean) => {
      const node: number[] = [];
      const fn: number[] = [];
      for (let i = 0; i < options.turns; i++) {
        if (i % 2) node.push(await once("node"));
        fn.push(await once("fn"));
        if (!(i % 2)) node.push(await once("node"));
      }
      if (measured) {
        nodeRounds.push(node);
        fnRounds.push(fn);
      }
    };
    const nodeRounds: number[][] = [];
    const fnRounds: number[][] = [];
    await round(false); // warm-up
    for (let r = 0; r < options.rounds; r++) await round(true);
    const summary = (rounds: number[][]): StreamingSide => {
      const all = rounds.flat();
      return { turns: all.length, p50Ms: percentile(all, 50), p99Ms: percentile(all, 99) };
    };

    // A long answer at a model's pace, through the node with its default pace.
    const long = "Streaming lets a chat show the answer while Claude writes it, a few words at a time. ".repeat(Math.ceil(options.longChars / 85)).slice(0, options.longChars);
    api.fallback = () => ({ content: [{ type: "text", text: long }], eventGapMs: options.longGapMs });
    const started = performance.now();
    const longTurn = await turn(runtime, api, "node");
    const wallMs = performance.now() - started;

    return {
      options,
      node: summary(nodeRounds),
      fn: summary(fnRounds),
      ratio: median(nodeRounds.map((n, i) => median(n) / median(fnRounds[i]))),
      long: {
        intervalMs: DEFAULT_STREAM_INTERVAL_MS,
        chars: long.length,
        textEvents: Math.ceil(long.length / 16),
        messages: longTurn.parts.length,
        joinedEqualsAnswer: longTurn.parts.join("") === longTurn.answer && longTurn.answer === long,
        wallMs,
      },
    };
  } finally {
    await api.stop();
  }
}
