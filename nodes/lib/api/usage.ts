// Token usage as msg.claude.usage, the status line and the cost guard count it: the four kinds of
// tokens of the API's usage, with what compactions used on the way. Pure: no Node-RED here.
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import type { BetaIterationsUsage } from "@anthropic-ai/sdk/resources/beta/messages/messages";

export interface TurnUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

type Usage = Partial<Message["usage"]> | TurnUsage | undefined | null;

export function emptyUsage(): TurnUsage {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

type Iterations = { iterations?: BetaIterationsUsage | null };

/** Adds the four kinds of tokens of one usage (or usage iteration) to `total`. */
function addFields(total: TurnUsage, usage: Partial<TurnUsage> | { [K in keyof TurnUsage]?: number | null }): void {
  total.input_tokens += usage.input_tokens ?? 0;
  total.output_tokens += usage.output_tokens ?? 0;
  total.cache_creation_input_tokens += usage.cache_creation_input_tokens ?? 0;
  total.cache_read_input_tokens += usage.cache_read_input_tokens ?? 0;
}

/** Tokens of the compactions a request made: billed, but not in the usage's top-level fields. */
export function compactionUsage(usage: object | null | undefined): TurnUsage {
  const total = emptyUsage();
  for (const entry of (usage as Iterations | null | undefined)?.iterations ?? []) {
    if (entry?.type === "compaction") addFields(total, entry);
  }
  return total;
}

export function addUsage(total: TurnUsage, usage: Usage): void {
  if (!usage) return;
  addFields(total, usage);
  addFields(total, compactionUsage(usage));
}

/**
 * Every token Claude processed: input, output, and cache writes and reads (for the status line and
 * the cost guard), with what a compaction made on the way (billed, but outside the top-level fields).
 */
export function totalTokens(usage: Usage): number {
  if (!usage) return 0;
  const turn = emptyUsage();
  addUsage(turn, usage);
  return turn.input_tokens + turn.output_tokens + turn.cache_creation_input_tokens + turn.cache_read_input_tokens;
}
