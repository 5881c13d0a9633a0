// Rules for a stored conversation: what counts as a turn, how to trim it, and whether it is sound
// enough to send. Pure functions over the SDK's message types.
import type { ContentBlockParam, MessageParam } from "@anthropic-ai/sdk/resources/messages";

function blocks(message: MessageParam): ContentBlockParam[] {
  return typeof message.content === "string" ? [{ type: "text", text: message.content }] : (message.content as ContentBlockParam[]);
}

/** A user message that only carries tool results continues a turn; any other user message starts one. */
export function startsTurn(message: MessageParam): boolean {
  if (message.role !== "user") return false;
  const content = blocks(message);
  return !(content.length > 0 && content.every((b) => b.type === "tool_result"));
}

/**
 * Keeps at most `maxMessages` messages by dropping whole turns from the start, so the history never
 * begins with an assistant message or a tool result without its tool_use. Once over the cap it keeps
 * at most `keep` (default: the cap). The last turn is kept whole even if it alone is longer.
 */
export function trimHistory(messages: MessageParam[], maxMessages: number, keep = maxMessages): MessageParam[] {
  if (maxMessages <= 0 || messages.length <= maxMessages) return messages;
  const limit = Math.min(keep, maxMessages);
  const starts = messages.map((m, i) => (startsTurn(m) ? i : -1)).filter((i) => i >= 0);
  for (const start of starts) {
    if (messages.length - start <= limit) return messages.slice(start);
  }
  return starts.length ? messages.slice(starts[starts.length - 1]) : [];
}

/** Removes thinking blocks, which are bound to the model that wrote them. */
export function withoutThinking(messages: MessageParam[]): MessageParam[] {
  return messages.map((m) => {
    if (m.role !== "assistant" || typeof m.content === "string") return m;
    const content = m.content.filter((b) => b.type !== "thinking" && b.type !== "redacted_thinking");
    return { ...m, content: content.length ? content : [{ type: "text", text: "(thinking omitted)" }] };
  });
}

/**
 * Why a stored history cannot be sent as it is, or undefined when it can: every message has a role
 * and content, it starts with a user turn, and every tool_use is answered by a tool_result in the
 * next message.
 */
export function historyProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "not a list of messages";
  for (let i = 0; i < value.length; i++) {
    const m = value[i];
    if (!m || typeof m !== "object") return `message ${i} is not an object`;
    if (m.role !== "user" && m.role !== "assistant") return `message ${i} has role ${JSON.stringify(m.role)}`;
    if (typeof m.content !== "string" && !Array.isArray(m.content)) return `message ${i} has no content`;
    if (Array.isArray(m.content) && m.content.some((b: any) => !b || typeof b !== "object" || typeof b.type !== "string")) {
      return `message ${i} has a block without a type`;
    }
  }
  if (value.length && !startsTurn(value[0])) return "it does not start with a user message";
  for (let i = 0; i < value.length; i++) {
    const m = value[i] as MessageParam;
    if (m.role !== "assistant") continue;
    const calls = blocks(m).filter((b) => b.type === "tool_use").map((b: any) => b.id);
    if (!calls.length) continue;
    const next = value[i + 1] as MessageParam | undefined;
    const answered = new Set(next && next.role === "user" ? blocks(next).filter((b) => b.type === "tool_result").map((b: any) => b.tool_use_id) : []);
    if (calls.some((id) => !answered.has(id))) return `tool call in message ${i} has no result`;
  }
  if (value.length && value[value.length - 1].role !== "assistant") return "it does not end with an answer";
  return undefined;
}
