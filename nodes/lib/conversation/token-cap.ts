// Memory bounded in tokens: the API reports how many input tokens each request held, and the last
// request of a turn held the whole history (plus instructions and tools). Messages are weighed by
// their share of the stored text, and the oldest whole turns are dropped until the rest fits.
import type { Message, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { startsTurn } from "./history";

/** Of a model's context window, the share the kept history may fill: the next turn and its tool results need room too. */
export const WINDOW_SHARE = 0.6;

/** What the last request of a turn measured: its input (cached or not) and the answer it added. */
export function measuredTokens(usage: Partial<Message["usage"]> | undefined | null): number {
  if (!usage) return 0;
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0) + (usage.output_tokens ?? 0);
}

/**
 * The token cap of a conversation: the node's setting (0: none), and never more than a share of
 * the model's context window when the models endpoint reports it. 0 when there is no cap at all.
 */
export function tokenCap(setting: number, maxInputTokens: number | null | undefined): number {
  const window = maxInputTokens && maxInputTokens > 0 ? Math.floor(maxInputTokens * WINDOW_SHARE) : 0;
  if (setting > 0 && window > 0) return Math.min(setting, window);
  return setting > 0 ? setting : window;
}

function weight(message: MessageParam): number {
  return JSON.stringify(message.content).length + 16;
}

/**
 * Drops whole turns from the start so the history's estimated size is at most `keep` tokens, given
 * that the request holding all of it measured `measured` tokens. The estimate gives each message its share of `measured`
 * by its length; `fixedWeight` is the length of what else the request sent (instructions and tool
 * definitions), which takes its share of `measured` and stays. Without it the estimate overstates the
 * messages, erring on the side of room. Returns the history as it is when nothing needs dropping; the
 * last turn is kept unless `dropAll`.
 */
export function trimToTokens(messages: MessageParam[], measured: number, keep: number, dropAll = false, fixedWeight = 0): MessageParam[] {
  if (!messages.length) return messages;
  const weights = messages.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const perUnit = measured / (total + fixedWeight);
  if (total * perUnit <= keep) return messages;
  let suffix = 0;
  const after: number[] = new Array(messages.length + 1).fill(0);
  for (let i = messages.length - 1; i >= 0; i--) after[i] = suffix += weights[i] * perUnit;
  const starts = messages.map((m, i) => (startsTurn(m) ? i : -1)).filter((i) => i > 0);
  for (const start of starts) {
    if (after[start] <= keep) return messages.slice(start);
  }
  if (dropAll) return [];
  return starts.length ? messages.slice(starts[starts.length - 1]) : messages;
}

/** The estimated tokens of what `trimToTokens` kept, for storing with it. */
export function keptTokens(kept: MessageParam[], all: MessageParam[], measured: number, fixedWeight = 0): number {
  if (kept.length === all.length) return measured;
  const total = all.reduce((sum, m) => sum + weight(m), 0) + fixedWeight;
  return Math.ceil(((kept.reduce((sum, m) => sum + weight(m), 0) + fixedWeight) / total) * measured);
}

/** The length of what a request sends besides its messages, for `fixedWeight`. */
export function fixedWeightOf(system: unknown, tools: unknown): number {
  return JSON.stringify(system ?? "").length + JSON.stringify(tools ?? []).length;
}

/**
 * Room for a prompt that did not fit: the older turns that make up at least half of the history
 * go (all of it when it is a single turn), so one retry is very likely to fit and the rest of the
 * history still gives the answer its context.
 */
export function dropOlderHalf(messages: MessageParam[]): MessageParam[] {
  return trimToTokens(messages, 2, 1, true);
}
