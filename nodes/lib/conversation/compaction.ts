// A history with compaction blocks: the API summarises older turns into a `compaction` block at the
// start of an answer, and from then on ignores everything before it. What is stored keeps the block
// (verbatim: it is signed) and drops what it replaced; a request that does not use compaction gets
// the summary as plain text instead. Pure functions over the SDK's message types.
import type { BetaCompactionBlockParam } from "@anthropic-ai/sdk/resources/beta/messages/messages";
import type { ContentBlockParam, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { replayable, startsTurn } from "./history";

/** Words for Claude, not for the user: they introduce a summary that is sent back as text. */
const SUMMARY_LABEL = "Summary of the earlier conversation:";

function isCompaction(block: unknown): block is BetaCompactionBlockParam {
  return !!block && typeof block === "object" && (block as { type?: unknown }).type === "compaction";
}

/** A compaction that worked: one with no summary failed, and the API treats it as nothing. */
function summarises(block: unknown): block is BetaCompactionBlockParam & { content: string } {
  return isCompaction(block) && typeof block.content === "string" && block.content.length > 0;
}

/** The index of the last assistant message that holds a working compaction block, or -1. */
function lastCompacted(messages: readonly MessageParam[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role === "assistant" && Array.isArray(m.content) && m.content.some(summarises)) return i;
  }
  return -1;
}

/**
 * The history from its last compaction on: the messages the summary replaced are gone, except the
 * user message that began the turn it was made in, so the history still starts with a user's turn
 * (the API drops that one too). Returns the history as it is when nothing was compacted.
 */
export function afterCompaction(messages: MessageParam[]): MessageParam[] {
  const at = lastCompacted(messages);
  if (at <= 0) return messages;
  let start = at - 1;
  while (start > 0 && !startsTurn(messages[start])) start--;
  if (!startsTurn(messages[start])) return messages;
  return [messages[start], ...messages.slice(at)];
}

/** Whether a message list holds a compaction block (working or not). */
export function hasCompaction(messages: readonly MessageParam[]): boolean {
  return messages.some((m) => Array.isArray(m.content) && m.content.some(isCompaction));
}

/**
 * The history for a request that does not use compaction (another mode, or a model without it):
 * each summary becomes a text block, and failed compactions go.
 */
export function summariesAsText(messages: MessageParam[]): MessageParam[] {
  if (!hasCompaction(messages)) return messages;
  return messages.map((m) => {
    if (m.role !== "assistant" || !Array.isArray(m.content) || !m.content.some(isCompaction)) return m;
    const content: ContentBlockParam[] = [];
    for (const block of m.content as unknown[]) {
      if (summarises(block)) content.push({ type: "text", text: `${SUMMARY_LABEL}\n${block.content}` });
      else if (!isCompaction(block)) content.push(block as ContentBlockParam);
    }
    return { ...m, content: replayable(content) };
  });
}
