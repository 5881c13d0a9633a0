// 9. A household conversation of many turns with large tool results: every few turns Claude fetches
// the live state of the home (a tool result of thousands of tokens, as Home Assistant's
// GetLiveContext returns). The stand-in enforces the model's context window and prices input with
// its prompt-cache model. Three strategies: Home Assistant's (instructions and tools cached, the full
// history sent until the window), this package's default (whole conversation cached, the history
// bounded in messages and tokens) and its compaction (When full: Claude summarises, on a model that
// can). Input in input-token equivalents, as in benchmark 4; a summary's own tokens count too.
import { AnthropicStandIn, DEFAULT_MODELS } from "../test/standins/anthropic-standin";
import { PromptCacheSim } from "../test/standins/prompt-cache-sim";
import { price, prose } from "./cost";
import { startRuntime } from "./support/node-red";
import { Conversations, TAB, conversationFlow } from "./support/flows";

export interface HouseholdOptions {
  turns: number;
  /** Every how many turns Claude fetches the live context. */
  toolEvery: number;
  toolResultTokens: number;
  systemTokens: number;
  userTokens: number;
  replyTokens: number;
  /** The model's context window, enforced by the stand-in. */
  window: number;
  model: string;
}

export const HOUSEHOLD_DEFAULTS: HouseholdOptions = {
  turns: 200,
  toolEvery: 4,
  toolResultTokens: 5000,
  systemTokens: 3000,
  userTokens: 20,
  replyTokens: 80,
  window: 200_000,
  model: "claude-haiku-4-5",
};

export interface HouseholdStrategy {
  label: string;
  /** Input-token equivalents per turn (all requests of the turn). */
  perTurn: number[];
  total: number;
  /** Turns that ended in an error. */
  failed: number;
  /** Turns whose prompt reached the context window (the API refused it or cut the answer). */
  atWindow: number;
  /** Which turns those were. */
  atWindowTurns: number[];
  /** Mean cost of the last quarter of turns over that of the second quarter: about 1 when it levels off. */
  growth: number;
}

export interface HouseholdResult {
  options: HouseholdOptions;
  ha: HouseholdStrategy;
  ours: HouseholdStrategy;
  /** ours.total / ha.total (target ≤ 0.35). */
  ratio: number;
  /** With compaction, on `compactionModel`. */
  summarised: HouseholdStrategy & { compactions: number };
  /** summarised.total / ha.total. */
  summarisedRatio: number;
}

/** A model whose entry says it takes compaction; priced alike in input-token equivalents. */
const COMPACTION_MODEL = "claude-sonnet-4-6";

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

export async function runHousehold(options: HouseholdOptions = HOUSEHOLD_DEFAULTS): Promise<HouseholdResult> {
  const runtime = await startRuntime();
  const api = await new AnthropicStandIn().start();
  api.contextLimit = options.window;
  const instructions = prose(options.systemTokens * 4, "You are the voice assistant of a family home.");
  const liveContext = prose(options.toolResultTokens * 4, "Live context:");
  const run = async (label: string, account: Record<string, unknown>, conversation: Record<string, unknown>, knowsWindow: boolean): Promise<HouseholdStrategy> => {
    api.cacheSimulation = new PromptCacheSim();
    const model = String(account.model ?? options.model);
    // Home Assistant does not bound the history by the window: the node is told no window for it.
    api.models = DEFAULT_MODELS.map((m) => (m.id === model ? { ...m, max_input_tokens: knowsWindow ? options.window : 100 * options.window } : m));
    let turn = 0;
    const atWindowTurns: number[] = [];
    api.fallback = (req) => {
      const last = req.body.messages[req.body.messages.length - 1];
      const answersCall = Array.isArray(last.content) && last.content.some((b: any) => b.type === "tool_result");
      if (!answersCall && turn % options.toolEvery === 0) {
        return { content: [{ type: "tool_use", id: `toolu_house_${turn}_${req.body.messages.length}`, name: "GetLiveContext", input: {} }] };
      }
      return { content: [{ type: "text", text: prose(options.replyTokens * 4, `Reply ${turn}.`) }] };
    };
    await runtime.deploy([
      ...conversationFlow(api.url, { account: { ...account, model }, conversation: { instructions, ...conversation } }),
      { id: "live", type: "claude-tool", z: TAB, x: 100, y: 300, name: "GetLiveContext", description: "The current state of every exposed entity in the home.", mode: "plain", timeout: 30, wires: [["state"]] },
      { id: "state", type: "function", z: TAB, x: 300, y: 300, func: `msg.payload = ${JSON.stringify(liveContext)};\nreturn msg;`, outputs: 1, wires: [["result"]] },
      { id: "result", type: "claude-tool-result", z: TAB, x: 500, y: 300, wires: [] },
    ]);
    const conversations = new Conversations(runtime, 120_000);
    const perTurn: number[] = [];
    let failed = 0;
    const requestsBefore = () => api.messageRequests.length;
    for (turn = 1; turn <= options.turns; turn++) {
      const before = requestsBefore();
      try {
        const msg = await conversations.say("household", prose(options.userTokens * 4, `Question ${turn}.`));
        perTurn.push(price(msg.claude.usage));
      } catch {
        failed++;
        perTurn.push(0);
      }
      const sent = api.messageRequests.slice(before);
      const rounds = turn % options.toolEvery === 0 ? 2 : 1;
      if (sent.length > rounds) atWindowTurns.push(turn);
    }
    api.reset();
    const quarter = Math.floor(options.turns / 4);
    return { label, perTurn, total: perTurn.reduce((a, b) => a + b, 0), failed, atWindow: atWindowTurns.length, atWindowTurns, growth: mean(perTurn.slice(-quarter)) / mean(perTurn.slice(quarter, 2 * quarter)) };
  };
  try {
    const ha = await run("Home Assistant (system + tools cached, full history)", { caching: "system" }, { maxMessages: 0, maxHistoryTokens: 0 }, false);
    const ours = await run("this package's default", {}, {}, true);
    const compactionsBefore = api.compactions;
    const summarised = { ...(await run(`compaction (When full: Claude summarises), on ${COMPACTION_MODEL}`, { model: COMPACTION_MODEL }, { historyMode: "compact" }, true)), compactions: api.compactions - compactionsBefore };
    return { options, ha, ours, ratio: ours.total / ha.total, summarised, summarisedRatio: summarised.total / ha.total };
  } finally {
    await api.stop();
  }
}
