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

/** Tokens of the compactions a request made: billed, but not in the usage's top-level fields. */
export function compactionUsage(usage: object | null | undefined): TurnUsage {
  const total = emptyUsage();
  for (const entry of (usage as Iterations | null | undefined)?.iterations ?? []) {
    if (entry?.type !== "compaction") continue;
    total.input_tokens += entry.input_tokens ?? 0;
    total.output_tokens += entry.output_tokens ?? 0;
    total.cache_creation_input_tokens += entry.cache_creation_input_tokens ?? 0;
    total.cache_read_input_tokens += entry.cache_read_input_tokens ?? 0;
  }
  return total;
}

export function addUsage(total: TurnUsage, usage: Usage): void {
  if (!usage) return;
  const compaction = compactionUsage(usage);
  total.input_tokens += (usage.input_tokens ?? 0) + compaction.input_tokens;
  total.output_tokens += (usage.output_tokens ?? 0) + compaction.output_tokens;
  total.cache_creation_input_tokens += (usage.cache_creation_input_tokens ?? 0) + compaction.cache_creation_input_tokens;
  total.cache_read_input_tokens += (usage.cache_read_input_tokens ?? 0) + compaction.cache_read_input_tokens;
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
