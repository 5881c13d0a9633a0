// 2. Concurrency: many conversations at once, each a few turns long, against a stand-in that takes
// 50 ms per answer: the real flow versus the same conversations driven directly with the SDK.
// The stand-in answers with every user text it received, so any cross-talk between conversations
// (a wrong history, a reply delivered to the wrong conversation) shows up as a wrong answer.
import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { DEFAULT_OPTIONS } from "../nodes/lib/api/options";
import { buildRequest } from "../nodes/lib/api/request";
import { KEY, startRuntime } from "./support/node-red";
import { Conversations, conversationFlow } from "./support/flows";
import { measure, median, percentile } from "./support/measure";
import { startStandInProcess } from "./support/standin-process";

export interface ConcurrencyOptions {
  conversations: number;
  turns: number;
  latencyMs: number;
  rounds: number;
}

export const CONCURRENCY_DEFAULTS: ConcurrencyOptions = { conversations: 200, turns: 5, latencyMs: 50, rounds: 5 };

export interface ConcurrencySide {
  requests: number;
  wallMs: number;
  /** Turns per second. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not exactly this conversation's own history. */
  crossTalk: number;
  /** CPU time of this process per turn. */
  cpuPerTurnMs: number;
}

export interface ConcurrencyResult {
  options: ConcurrencyOptions;
  flow: ConcurrencySide;
  direct: ConcurrencySide;
  /** Flow throughput / direct throughput: the median of each round's ratio (a round runs both). */
  throughputRatio: number;
}

const said = (round: number, conversation: number, turn: number) => `r${round}c${conversation}t${turn}`;

/** What the stand-in answers at `turn`: every user text of the conversation so far. */
function expected(round: number, conversation: number, turn: number): string {
  return Array.from({ length: turn + 1 }, (_, t) => said(round, conversation, t)).join("|");
}

export async function runConcurrency(options: ConcurrencyOptions = CONCURRENCY_DEFAULTS): Promise<ConcurrencyResult> {
  const standIn = await startStandInProcess({ latencyMs: options.latencyMs, echoAll: true });
  const runtime = await startRuntime();
  try {
    await runtime.deploy(conversationFlow(standIn.url));
    const conversations = new Conversations(runtime);
    const client = new Anthropic({ apiKey: KEY, baseURL: standIn.url, logLevel: "off" });

    const viaFlow = async (round: number) => {
      const latencies: number[] = [];
      let crossTalk = 0;
      await Promise.all(
        Array.from({ length: options.conversations }, async (_, c) => {
          for (let t = 0; t < options.turns; t++) {
            const start = performance.now();
            const msg = await conversations.say(`r${round}c${c}`, said(round, c, t));
            latencies.push(performance.now() - start);
            if (msg.payload !== expected(round, c, t) || msg.conversation_id !== `r${round}c${c}`) crossTalk++;
          }
        }),
      );
      return { latencies, crossTalk };
    };

    const direct = async (round: number) => {
      const latencies: number[] = [];
      let crossTalk = 0;
      await Promise.all(
        Array.from({ length: options.conversations }, async (_, c) => {
          const history: MessageParam[] = [];
          for (let t = 0; t < options.turns; t++) {
            history.push({ role: "user", content: said(round, c, t) });
            const start = performance.now();
            const message = await client.messages.stream(buildRequest(DEFAULT_OPTIONS, { messages: history })).finalMessage();
            latencies.push(performance.now() - start);
            history.push({ role: "assistant", content: message.content });
            const text = message.content[0]?.type === "text" ? message.content[0].text : "";
            if (text !== expected(round, c, t)) crossTalk++;
          }
        }),
      );
      return { latencies, crossTalk };
    };

    // Warm-up rounds are numbered below zero so their conversations are never reused.
    await direct(-1);
    await viaFlow(-1);
    type Round = Awaited<ReturnType<typeof measure<{ latencies: number[]; crossTalk: number }>>>;
    const flowRounds: Round[] = [];
    const directRounds: Round[] = [];
    for (let r = 0; r < options.rounds; r++) {
      // Alternate which goes first, so neither always inherits the other's garbage.
      if (r % 2) flowRounds.push(await measure(() => viaFlow(r)));
      directRounds.push(await measure(() => direct(r)));
      if (!(r % 2)) flowRounds.push(await measure(() => viaFlow(r)));
    }
    const requests = options.conversations * options.turns;
    const side = (rounds: Array<{ wallMs: number; cpuMs: number; value: { latencies: number[]; crossTalk: number } }>): ConcurrencySide => {
      const wallMs = median(rounds.map((p) => p.wallMs));
      const latencies = rounds.flatMap((p) => p.value.latencies);
      return {
        requests,
        wallMs,
        throughput: requests / (wallMs / 1000),
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        crossTalk: rounds.reduce((n, p) => n + p.value.crossTalk, 0),
        cpuPerTurnMs: median(rounds.map((p) => p.cpuMs)) / requests,
      };
    };
    const flow = side(flowRounds);
    const directSide = side(directRounds);
    const throughputRatio = median(flowRounds.map((f, i) => directRounds[i].wallMs / f.wallMs));
    return { options, flow, direct: directSide, throughputRatio };
  } finally {
    await standIn.stop();
  }
}
