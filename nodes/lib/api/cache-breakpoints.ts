// The API takes at most 4 cache breakpoints in a request and rejects a fifth with a 400. Blocks a flow
// sends with `cache_control` stay in the stored history, so later turns would add up; the oldest
// message breakpoints give way, since the newest cache the most.
import type { ContentBlockParam, MessageCreateParamsBase, MessageParam } from "@anthropic-ai/sdk/resources/messages";

export const MAX_CACHE_BREAKPOINTS = 4;

/** Breakpoints outside the messages: system blocks, tools and the automatic top-level one. */
function fixedBreakpoints(params: MessageCreateParamsBase): number {
  const system = Array.isArray(params.system) ? params.system.filter((b) => b.cache_control).length : 0;
  const tools = (params.tools ?? []).filter((tool) => (tool as { cache_control?: unknown }).cache_control).length;
  return system + tools + (params.cache_control ? 1 : 0);
}

const marked = (block: unknown): boolean => !!(block as { cache_control?: unknown })?.cache_control;

function withoutMarker<T>(block: T): T {
  const { cache_control: _dropped, ...rest } = block as T & { cache_control?: unknown };
  return rest as T;
}

/** How many breakpoints a block carries, its tool result content included. */
function markersIn(block: ContentBlockParam): number {
  const nested = block.type === "tool_result" && Array.isArray(block.content) ? block.content.filter(marked).length : 0;
  return (marked(block) ? 1 : 0) + nested;
}

/** Drops the first `count` markers of a block (the block's own first, then its content's). */
function dropMarkers(block: ContentBlockParam, count: number): [ContentBlockParam, number] {
  let left = count;
  let result = block;
  if (left && marked(result)) {
    result = withoutMarker(result);
    left--;
  }
  if (left && result.type === "tool_result" && Array.isArray(result.content)) {
    const content = result.content.map((part) => (left && marked(part) ? (left--, withoutMarker(part)) : part));
    result = { ...result, content };
  }
  return [result, count - left];
}

/**
 * The request's messages with the oldest block breakpoints removed so the whole request has at most
 * MAX_CACHE_BREAKPOINTS. The stored messages are not changed; only copies of the touched ones.
 */
export function withinBreakpointLimit(params: MessageCreateParamsBase): MessageParam[] {
  const room = Math.max(0, MAX_CACHE_BREAKPOINTS - fixedBreakpoints(params));
  const blocksOf = (m: MessageParam) => (typeof m.content === "string" ? [] : m.content);
  const total = params.messages.reduce((sum, m) => sum + blocksOf(m).reduce((n, b) => n + markersIn(b), 0), 0);
  let excess = total - room;
  if (excess <= 0) return params.messages;
  return params.messages.map((message) => {
    if (excess <= 0 || typeof message.content === "string" || !message.content.some((b) => markersIn(b))) return message;
    const content = message.content.map((block) => {
      if (excess <= 0 || !markersIn(block)) return block;
      const [changed, dropped] = dropMarkers(block, excess);
      excess -= dropped;
      return changed;
    });
    return { ...message, content } as MessageParam;
  });
}
