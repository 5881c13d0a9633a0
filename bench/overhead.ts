// 1. Overhead: N messages one after another through a real flow (inject → Claude conversation →
// sink) against a zero-latency stand-in, versus the same N requests sent directly with the SDK.
// The stand-in runs in its own process, so the CPU measured here is the client side only.
import Anthropic from "@anthropic-ai/sdk";
import { DEFAULT_OPTIONS } from "../nodes/lib/api/options";
import { buildRequest } from "../nodes/lib/api/request";
import { KEY, startRuntime } from "./support/node-red";
import { conversationFlow } from "./support/flows";
import { measure, median, type Phase } from "./support/measure";
import { startStandInProcess } from "./support/standin-process";

export interface OverheadOptions {
  messages: number;
  rounds: number;
}

export const OVERHEAD_DEFAULTS: OverheadOptions = { messages: 1000, rounds: 5 };

export interface Side {
  wallMs: number;
  cpuMs: number;
  cpuPerMessageMs: number;
  /** Answers that came back with the expected text. */
  answered: number;
}

export interface OverheadResult {
  options: OverheadOptions;
  flow: Side;
  direct: Side;
  /** Flow wall time / direct wall time: the median of each round's ratio (a round runs both). */
  wallRatio: number;
  /** CPU the flow adds per message, in ms. */
  addedCpuPerMessageMs: number;
}

export async function runOverhead(options: OverheadOptions = OVERHEAD_DEFAULTS): Promise<OverheadResult> {
  const standIn = await startStandInProcess();
  const runtime = await startRuntime();
  try {
    await runtime.deploy(conversationFlow(standIn.url));
    const inject = runtime.node("inject");
    let pending: { resolve: (msg: any) => void; reject: (err: Error) => void } | undefined;
    runtime.onMessage("sink", (msg) => pending?.resolve(msg));
    runtime.onMessage("failed", (msg) => pending?.reject(new Error(`the flow reported an error: ${msg.error?.message}`)));
    const viaFlow = async (n: number) => {
      let answered = 0;
      for (let i = 0; i < n; i++) {
        const msg = await new Promise<any>((resolve, reject) => {
          pending = { resolve, reject };
          inject.receive({});
        });
        if (msg.payload === "You said: hello") answered++;
      }
      return answered;
    };

    // The same request the node sends for "hello" with the account's defaults.
    const client = new Anthropic({ apiKey: KEY, baseURL: standIn.url, logLevel: "off" });
    const params = buildRequest(DEFAULT_OPTIONS, { messages: [{ role: "user", content: "hello" }] });
    const direct = async (n: number) => {
      let answered = 0;
      for (let i = 0; i < n; i++) {
        const message = await client.messages.stream(params).finalMessage();
        if (message.content[0]?.type === "text" && message.content[0].text === "You said: hello") answered++;
      }
      return answered;
    };

    // Warm both paths up (JIT, connection pool, the node's model lookup), then alternate.
    const warm = Math.max(5, Math.floor(options.messages / 5));
    await direct(warm);
    await viaFlow(warm);
    const flowRounds: Phase<number>[] = [];
    const directRounds: Phase<number>[] = [];
    for (let r = 0; r < options.rounds; r++) {
      // Alternate which goes first, so neither always inherits the other's garbage.
      if (r % 2) flowRounds.push(await measure(() => viaFlow(options.messages)));
      directRounds.push(await measure(() => direct(options.messages)));
      if (!(r % 2)) flowRounds.push(await measure(() => viaFlow(options.messages)));
    }
    const side = (rounds: Phase<number>[]): Side => {
      const cpuMs = median(rounds.map((p) => p.cpuMs));
      return { wallMs: median(rounds.map((p) => p.wallMs)), cpuMs, cpuPerMessageMs: cpuMs / options.messages, answered: Math.min(...rounds.map((p) => p.value)) };
    };
    const flow = side(flowRounds);
    const directSide = side(directRounds);
    return {
      options,
      flow,
      direct: directSide,
      wallRatio: median(flowRounds.map((f, i) => f.wallMs / directRounds[i].wallMs)),
      addedCpuPerMessageMs: flow.cpuPerMessageMs - directSide.cpuPerMessageMs,
    };
  } finally {
    await standIn.stop();
  }
}
