// Rules for a stored conversation: what counts as a turn, how to trim it, and whether it is sound
// enough to send. Pure functions over the SDK's message types.
import type { ContentBlockParam, MessageParam, TextBlockParam, ToolResultBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { BLOCK_ROLES, type BlockType } from "../content/block-types";

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
 * Assistant content as it can be sent back: the API rejects empty text blocks and empty messages,
 * and it may itself answer with them (for example nothing more to say after a tool result).
 */
export function replayable(content: readonly ContentBlockParam[] | readonly { type: string }[]): ContentBlockParam[] {
  const kept = (content as ContentBlockParam[]).filter((b) => !(b.type === "text" && !(b as TextBlockParam).text?.trim()));
  return kept.length ? kept : [{ type: "text", text: "(no answer)" }];
}

const isText = (v: unknown): v is string => typeof v === "string";
const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === "object" && !Array.isArray(v);

const sound = () => undefined;
const toolCall = (b: Record<string, any>) => (isText(b.id) && isText(b.name) && isObject(b.input) ? undefined : "a malformed tool call");
const serverResult = (b: Record<string, any>) => (isText(b.tool_use_id) && b.content !== undefined ? undefined : "a malformed server tool result");

/**
 * What the API would reject with a 400 in each block type of the SDK's request types (keyed by all of
 * them, so the build fails when the SDK adds one). Where a type may stand comes from BLOCK_ROLES.
 */
const BLOCK_CHECKS: Record<BlockType, (b: Record<string, any>) => string | undefined> = {
  text: (b) => (isText(b.text) && b.text.trim() ? undefined : "an empty text block"),
  image: (b) => (isObject(b.source) && isText(b.source.type) ? undefined : "an image block without a source"),
  document: (b) => (isObject(b.source) && isText(b.source.type) ? undefined : "a document block without a source"),
  search_result: (b) => (isText(b.source) && isText(b.title) && Array.isArray(b.content) && b.content.length ? undefined : "a malformed search result"),
  thinking: (b) => (isText(b.thinking) && isText(b.signature) ? undefined : "a malformed thinking block"),
  redacted_thinking: (b) => (isText(b.data) ? undefined : "a malformed thinking block"),
  tool_use: toolCall,
  server_tool_use: toolCall,
  tool_result: (b) => (isText(b.tool_use_id) ? undefined : "a misplaced tool result"),
  web_search_tool_result: serverResult,
  web_fetch_tool_result: serverResult,
  code_execution_tool_result: serverResult,
  bash_code_execution_tool_result: serverResult,
  text_editor_code_execution_tool_result: serverResult,
  tool_search_tool_result: serverResult,
  container_upload: (b) => (isText(b.file_id) ? undefined : "a container upload without a file"),
};
const MISPLACED: Partial<Record<BlockType, string>> = {
  tool_result: "a misplaced tool result",
  tool_use: "a malformed tool call",
  server_tool_use: "a malformed tool call",
  thinking: "a malformed thinking block",
  redacted_thinking: "a malformed thinking block",
};

/** Why one block cannot be sent, or undefined. Block types newer than the SDK are left to the API. */
function blockProblem(b: Record<string, any>, role: "user" | "assistant"): string | undefined {
  if (!Object.hasOwn(BLOCK_CHECKS, b.type)) return undefined;
  const type = b.type as BlockType;
  if (!(BLOCK_ROLES[type] as readonly string[]).includes(role)) return MISPLACED[type] ?? `a block of type ${type} from the ${role}`;
  return BLOCK_CHECKS[type](b);
}

/**
 * Why a stored history cannot be sent as it is, or undefined when it can: every message has a role
 * and non-empty content made of sound blocks, it starts with a user turn and ends with an answer,
 * every tool_use is answered by a tool_result in the next message, and every tool_result answers a
 * tool_use of the message before it.
 */
export function historyProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return "not a list of messages";
  for (let i = 0; i < value.length; i++) {
    const m = value[i];
    if (!isObject(m)) return `message ${i} is not an object`;
    if (m.role !== "user" && m.role !== "assistant") return `message ${i} has role ${JSON.stringify(m.role)}`;
    if (typeof m.content === "string") {
      if (!m.content.trim()) return `message ${i} is empty`;
      continue;
    }
    if (!Array.isArray(m.content)) return `message ${i} has no content`;
    if (!m.content.length) return `message ${i} is empty`;
    for (const b of m.content) {
      if (!isObject(b) || !isText(b.type)) return `message ${i} has a block without a type`;
      const problem = blockProblem(b, m.role);
      if (problem) return `message ${i} has ${problem}`;
    }
  }
  if (value.length && !startsTurn(value[0])) return "it does not start with a user message";
  for (let i = 0; i < value.length; i++) {
    const m = value[i] as MessageParam;
    const previous = value[i - 1] as MessageParam | undefined;
    if (m.role === "user") {
      const offered = new Set(previous?.role === "assistant" ? blocks(previous).filter((b) => b.type === "tool_use").map((b: any) => b.id) : []);
      const results = blocks(m).filter((b) => b.type === "tool_result") as ToolResultBlockParam[];
      if (results.some((r) => !offered.has(r.tool_use_id))) return `message ${i} answers a tool call that was not made`;
      continue;
    }
    const calls = blocks(m).filter((b) => b.type === "tool_use").map((b: any) => b.id);
    if (!calls.length) continue;
    const next = value[i + 1] as MessageParam | undefined;
    const answered = new Set(next && next.role === "user" ? blocks(next).filter((b) => b.type === "tool_result").map((b: any) => b.tool_use_id) : []);
    if (calls.some((id) => !answered.has(id))) return `tool call in message ${i} has no result`;
  }
  if (value.length && value[value.length - 1].role !== "assistant") return "it does not end with an answer";
  return undefined;
}
