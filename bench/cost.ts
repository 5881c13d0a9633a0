// 4. The cost of a conversation: one multi-turn conversation through the real conversation node,
// against the stand-in API with its prompt-cache model on, for each caching strategy. Input is
// priced in input-token equivalents: plain input 1, cache write 1.25 (5-minute TTL), cache read 0.1.
// Output tokens cost the same under every strategy and are left out.
import { AnthropicStandIn } from "../test/standins/anthropic-standin";
import { PromptCacheSim } from "../test/standins/prompt-cache-sim";
import { startRuntime } from "./support/node-red";
import { Conversations, TAB, conversationFlow } from "./support/flows";

export const PRICE = { input: 1, write: 1.25, read: 0.1 };

export interface CostOptions {
  turns: number;
  systemTokens: number;
  userTokens: number;
  replyTokens: number;
  models: string[];
  /** Server tools switched on in the account (their definitions are sent with every request). */
  serverTools: boolean;
  /** How many of the Home Assistant-like tools below are Claude tool nodes on the conversation's tab. */
  tools: number;
  /** Every how many turns Claude calls one of them (0: never); a call adds a round to that turn. */
  toolCallEvery: number;
  /** Minimum cacheable length for every model; default: each model's own. */
  minTokens?: number;
}

/** Past the default cap of 40 stored messages, where trimming meets caching. */
export const LONG_COST: CostOptions = {
  turns: 40,
  systemTokens: 3000,
  userTokens: 20,
  replyTokens: 80,
  models: ["claude-sonnet-4-6"],
  serverTools: false,
  tools: 6,
  toolCallEvery: 4,
};

export const COST_DEFAULTS: CostOptions = {
  turns: 20,
  systemTokens: 3000,
  userTokens: 20,
  replyTokens: 80,
  models: ["claude-haiku-4-5", "claude-sonnet-4-6"],
  serverTools: false,
  tools: 6,
  toolCallEvery: 4,
};

const target = { type: "string", description: "Name of the device, area or entity id, as the user says it or as listed in the instructions." };
const area = { type: "string", description: "Area the devices are in, when the user names one instead of a device." };
const domain = { type: "array", items: { type: "string" }, description: "Kinds of devices to act on, such as light, switch, fan, cover or media_player." };

/** Tools shaped like Home Assistant's Assist intents, as Claude tool nodes would offer them. */
export const HA_TOOLS = [
  { name: "HassTurnOn", description: "Turns on, opens or starts a device or entity. For locks this locks; for covers and valves this opens.", schema: { type: "object", properties: { name: target, area, domain }, required: ["name"] } },
  { name: "HassTurnOff", description: "Turns off, closes or stops a device or entity. For locks this unlocks; for covers and valves this closes.", schema: { type: "object", properties: { name: target, area, domain }, required: ["name"] } },
  {
    name: "HassLightSet",
    description: "Sets the brightness percentage or colour of a light.",
    schema: { type: "object", properties: { name: target, area, brightness: { type: "integer", minimum: 0, maximum: 100, description: "Brightness in percent." }, color: { type: "string", description: "A colour name." } }, required: ["name"] },
  },
  {
    name: "HassClimateSetTemperature",
    description: "Sets the target temperature of a climate device such as a thermostat or a heat pump.",
    schema: { type: "object", properties: { name: target, area, temperature: { type: "number", description: "Target temperature in the unit the home uses." } }, required: ["name", "temperature"] },
  },
  {
    name: "HassMediaPause",
    description: "Pauses a media player. Use HassMediaUnpause to resume and HassMediaNext to skip.",
    schema: { type: "object", properties: { name: target, area }, required: ["name"] },
  },
  {
    name: "GetLiveContext",
    description: "Gives the current state of the devices in the home: which lights are on, temperatures, what is playing. Use it to answer questions about the home before acting.",
    schema: { type: "object", properties: { name: { ...target, description: "Only this device, when the question is about one." } }, required: ["name"] },
  },
];

/** The tool nodes, each answered by one function node through a Claude tool result node. */
function toolNodes(count: number): unknown[] {
  if (!count) return [];
  return [
    ...HA_TOOLS.slice(0, count).map((tool, i) => ({
      id: `tool${i}`,
      type: "claude-tool",
      z: TAB,
      x: 100,
      y: 300 + 40 * i,
      name: tool.name,
      description: tool.description,
      mode: "plain",
      schema: JSON.stringify(tool.schema),
      timeout: 30,
      wires: [["answer"]],
    })),
    { id: "answer", type: "function", z: TAB, x: 300, y: 300, func: 'msg.payload = { success: true, targets: [msg.payload.name] };\nreturn msg;', outputs: 1, wires: [["result"]] },
    { id: "result", type: "claude-tool-result", z: TAB, x: 500, y: 300, wires: [] },
  ];
}

export const STRATEGIES = [
  { caching: "off", label: "no caching" },
  { caching: "system", label: "Home Assistant (system + tools)" },
  { caching: "conversation", label: "this package's default (whole conversation)" },
] as const;

export interface TurnCost {
  input: number;
  write: number;
  read: number;
  cost: number;
}

export interface StrategyCost {
  model: string;
  caching: string;
  label: string;
  turns: TurnCost[];
  total: number;
  last: number;
}

export interface CostResult {
  options: CostOptions;
  strategies: StrategyCost[];
  /** Per model: default / Home Assistant, over all turns. */
  defaultVsHa: Record<string, number>;
  /** Per model: default / Home Assistant, for the last turn (target ≤ 0.5 at turn 20). */
  defaultVsHaLastTurn: Record<string, number>;
}

export function price(usage: { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number }): number {
  return usage.input_tokens * PRICE.input + usage.cache_creation_input_tokens * PRICE.write + usage.cache_read_input_tokens * PRICE.read;
}

/** Deterministic prose of exactly `chars` characters (no template tags), so token counts are exact. */
export function prose(chars: number, seed: string): string {
  const words = ["the", "kitchen", "light", "is", "on", "and", "living", "room", "heating", "set", "to", "twenty", "degrees", "garden", "pump", "off", "please", "check"];
  let text = seed;
  for (let i = 0; text.length < chars; i++) text += " " + words[(i * 7 + seed.length) % words.length];
  return text.slice(0, chars);
}

export async function runCost(options: CostOptions = COST_DEFAULTS): Promise<CostResult> {
  const runtime = await startRuntime();
  const api = await new AnthropicStandIn().start();
  const instructions = prose(options.systemTokens * 4, "You are a voice assistant for a smart home.");
  const strategies: StrategyCost[] = [];
  try {
    for (const model of options.models) {
      for (const strategy of STRATEGIES) {
        api.cacheSimulation = new PromptCacheSim(options.minTokens !== undefined ? { minTokens: options.minTokens } : {});
        let turn = 0;
        api.fallback = (req) => {
          const last = req.body.messages[req.body.messages.length - 1];
          const answersCall = Array.isArray(last.content) && last.content.some((b: any) => b.type === "tool_result");
          if (!answersCall && options.toolCallEvery && turn % options.toolCallEvery === 0) {
            const tool = HA_TOOLS[(turn / options.toolCallEvery) % options.tools];
            return {
              content: [
                { type: "text", text: prose(40, "Let me do that.") },
                { type: "tool_use", id: `toolu_cost_${turn}`, name: tool.name, input: { name: "kitchen light", ...(tool.name === "HassClimateSetTemperature" ? { temperature: 21 } : {}) } },
              ],
            };
          }
          return { content: [{ type: "text", text: prose(options.replyTokens * 4, `Reply ${turn}.`) }] };
        };
        await runtime.deploy([
          ...conversationFlow(api.url, {
            account: { model, caching: strategy.caching, webSearch: options.serverTools, codeExecution: options.serverTools },
            conversation: { instructions },
          }),
          ...toolNodes(options.tools),
        ]);
        const conversations = new Conversations(runtime);
        const turns: TurnCost[] = [];
        for (turn = 1; turn <= options.turns; turn++) {
          const msg = await conversations.say(`${model}-${strategy.caching}`, prose(options.userTokens * 4, `Question ${turn}.`));
          const u = msg.claude.usage;
          turns.push({ input: u.input_tokens, write: u.cache_creation_input_tokens, read: u.cache_read_input_tokens, cost: price(u) });
        }
        strategies.push({ model, caching: strategy.caching, label: strategy.label, turns, total: sum(turns.map((t) => t.cost)), last: turns[turns.length - 1].cost });
      }
    }
  } finally {
    await api.stop();
  }
  const defaultVsHa: Record<string, number> = {};
  const defaultVsHaLastTurn: Record<string, number> = {};
  for (const model of options.models) {
    const of = (caching: string) => strategies.find((s) => s.model === model && s.caching === caching)!;
    defaultVsHa[model] = of("conversation").total / of("system").total;
    defaultVsHaLastTurn[model] = of("conversation").last / of("system").last;
  }
  return { options, strategies, defaultVsHa, defaultVsHaLastTurn };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
