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
 * that all of it measured `measured` tokens. The estimate gives each message its share of `measured`
 * by its length, which overstates it (instructions and tools count in `measured` too): it errs on the
 * side of room. Returns the history as it is when nothing needs dropping; the last turn is kept
 * unless `dropAll`.
 */
export function trimToTokens(messages: MessageParam[], measured: number, keep: number, dropAll = false): MessageParam[] {
  if (!messages.length || measured <= keep) return messages;
  const weights = messages.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const perUnit = measured / total;
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
export function keptTokens(kept: MessageParam[], all: MessageParam[], measured: number): number {
  if (kept.length === all.length) return measured;
  const total = all.reduce((sum, m) => sum + weight(m), 0);
  return Math.ceil((kept.reduce((sum, m) => sum + weight(m), 0) / total) * measured);
}

/**
 * Room for a prompt that did not fit: the older turns that make up at least half of the history
 * go (all of it when it is a single turn), so one retry is very likely to fit and the rest of the
 * history still gives the answer its context.
 */
export function dropOlderHalf(messages: MessageParam[]): MessageParam[] {
  return trimToTokens(messages, 2, 1, true);
}
