// The Messages API's context management, for the stand-in: pure functions over request bodies.
// - A request may carry `context_management.edits` (beta): `compact_20260112` summarizes the prompt
//   into a compaction block once it passes a trigger; `clear_tool_uses_20250919` replaces old tool
//   results with a placeholder; `clear_thinking_20251015` drops thinking of older assistant turns.
//   Clearing happens server-side on every request: what the client sent stays as it was.
// - Compaction blocks sent back in assistant messages stand in for every block before them: the
//   API drops those, and the summary is what the model sees in their place.
// Token counts are the stand-in's estimate (4 characters a token over the JSON), as everywhere else.
import type { IncomingHttpHeaders } from "http";

export const COMPACT = "compact_20260112";
export const CLEAR_TOOL_USES = "clear_tool_uses_20250919";
export const CLEAR_THINKING = "clear_thinking_20251015";
export type ContextEditType = typeof COMPACT | typeof CLEAR_TOOL_USES | typeof CLEAR_THINKING;
export const CONTEXT_EDIT_TYPES: ContextEditType[] = [COMPACT, CLEAR_TOOL_USES, CLEAR_THINKING];

/** The beta each edit needs in the `anthropic-beta` header. */
export const EDIT_BETA: Record<ContextEditType, string> = {
  [COMPACT]: "compact-2026-01-12",
  [CLEAR_TOOL_USES]: "context-management-2025-06-27",
  [CLEAR_THINKING]: "context-management-2025-06-27",
};
export const COMPACT_BETA = EDIT_BETA[COMPACT];

export const DEFAULT_COMPACT_TRIGGER = 150_000;
export const MIN_COMPACT_TRIGGER = 50_000;
export const DEFAULT_CLEAR_TRIGGER = 100_000;
export const DEFAULT_KEEP_TOOL_USES = 3;
export const DEFAULT_KEEP_THINKING_TURNS = 1;
/** What a cleared tool result says in place of its content. */
export const CLEARED_TOOL_RESULT = "[Tool result cleared to save context]";
export const SUMMARY_PREFIX = "Summary of the conversation so far: ";
const SUMMARY_PIECE_CHARS = 200;
const SUMMARY_MAX_CHARS = 4000;

export type AppliedEdit =
  | { type: typeof CLEAR_TOOL_USES; cleared_tool_uses: number; cleared_input_tokens: number }
  | { type: typeof CLEAR_THINKING; cleared_thinking_turns: number; cleared_input_tokens: number };

/** What context management did to one request. */
export interface ContextOutcome {
  /** The messages the model saw: from the last compaction block on, with old tool results and thinking cleared. */
  messages: any[];
  /** Prompt tokens of what the model saw (before a compaction this request does). */
  promptTokens: number;
  appliedEdits: AppliedEdit[];
  /** The tool_use ids whose results were replaced by the placeholder. */
  clearedToolUseIds: string[];
  clearedThinkingTurns: number;
  /** Set when this request compacts: the summary, and the prompt it replaced (in tokens). */
  compaction?: { content: string; instructions?: string; pause: boolean; inputTokens: number };
}

/** The stand-in's token count of a prompt: its instructions, tools and messages, 4 characters a token. */
export function promptTokens(body: any): number {
  return Math.ceil(JSON.stringify([body?.system ?? "", body?.tools ?? [], body?.messages ?? []]).length / 4);
}

/** The betas a request names in its `anthropic-beta` header (a comma-separated list, possibly repeated). */
export function betasOf(headers: IncomingHttpHeaders): string[] {
  const raw = headers["anthropic-beta"];
  return (Array.isArray(raw) ? raw : [raw ?? ""]).flatMap((value) => value.split(",")).map((b) => b.trim()).filter(Boolean);
}

/** A message's content as blocks: text given as a string is one text block. */
export function blocksOf(message: any): any[] {
  return typeof message?.content === "string" ? [{ type: "text", text: message.content }] : Array.isArray(message?.content) ? message.content : [];
}

/**
 * The 400 message the API gives for a request's context management, or for the compaction blocks
 * in its messages. `supported` is the model's list (undefined: an unknown model, not checked);
 * `issued` says whether a compaction block is one the stand-in returned, unchanged.
 */
export function contextManagementProblem(
  body: any,
  betas: string[],
  supported: ContextEditType[] | undefined,
  modelId: string,
  issued: (block: any) => boolean,
): string | undefined {
  const edits = body?.context_management?.edits;
  if (body?.context_management && edits !== undefined && edits !== null && !Array.isArray(edits)) return "context_management.edits: Input should be a valid list";
  for (const [i, edit] of (Array.isArray(edits) ? edits : []).entries()) {
    const at = `context_management.edits.${i}`;
    const type = edit?.type as ContextEditType;
    if (!CONTEXT_EDIT_TYPES.includes(type)) {
      return `${at}: Input tag '${edit?.type}' found using 'type' does not match any of the expected tags: ${CONTEXT_EDIT_TYPES.map((t) => `'${t}'`).join(", ")}`;
    }
    if (!betas.includes(EDIT_BETA[type])) return `${at}: '${type}' requires the '${EDIT_BETA[type]}' beta (anthropic-beta header)`;
    if (supported && !supported.includes(type)) return `${at}: '${type}' is not supported on ${modelId}`;
    if (type === COMPACT) {
      const trigger = edit.trigger;
      if (trigger && trigger.type !== "input_tokens") return `${at}.trigger.type: Input should be 'input_tokens'`;
      if (trigger && !(typeof trigger.value === "number" && trigger.value >= MIN_COMPACT_TRIGGER)) {
        return `${at}.trigger.value: Input should be greater than or equal to ${MIN_COMPACT_TRIGGER}`;
      }
    }
    if (type === CLEAR_THINKING) {
      if (i !== 0) return `${at}: '${CLEAR_THINKING}' must be the first edit in context_management.edits`;
      if (!["enabled", "adaptive"].includes(body?.thinking?.type)) return `${at}: '${CLEAR_THINKING}' requires thinking to be enabled or adaptive`;
    }
  }
  for (const [i, message] of (Array.isArray(body?.messages) ? body.messages : []).entries()) {
    for (const [j, block] of blocksOf(message).entries()) {
      if (block?.type !== "compaction") continue;
      const at = `messages.${i}.content.${j}`;
      if (!betas.includes(COMPACT_BETA)) return `${at}: Input tag 'compaction' found using 'type' does not match any of the expected tags`;
      if (message.role !== "assistant") return `${at}: compaction blocks are only allowed in assistant messages`;
      if (block.content === "") return `${at}.content: empty string content is not allowed; use null for a failed compaction`;
      // A failed compaction (null content) is a no-op, whatever it carries.
      if (block.content !== null && block.content !== undefined && !issued(block)) return `${at}: invalid compaction block signature`;
    }
  }
  return undefined;
}

/**
 * The messages as the API reads them: every block before the last compaction block that holds a
 * summary is dropped (the summary stands in its place); failed compactions (null content) are no-ops.
 */
export function effectiveMessages(messages: any[] | undefined): any[] {
  const list = Array.isArray(messages) ? messages : [];
  let start = 0;
  let blockStart = 0;
  list.forEach((message, i) => {
    blocksOf(message).forEach((block, j) => {
      if (block?.type === "compaction" && typeof block.content === "string") [start, blockStart] = [i, j];
    });
  });
  return list
    .slice(start)
    .map((message, i) => {
      if (typeof message.content === "string") return message;
      const content = (i === 0 ? message.content.slice(blockStart) : message.content).filter((b: any) => !(b?.type === "compaction" && typeof b.content !== "string"));
      return content.length === message.content.length ? message : { ...message, content };
    })
    .filter((message) => blocksOf(message).length > 0);
}

/** The deterministic summary the stand-in compacts a prompt into: the last summary and the user's texts. */
export function compactionSummary(messages: any[], instructions?: string | null): string {
  const pieces: string[] = [];
  for (const message of messages) {
    for (const block of blocksOf(message)) {
      if (block?.type === "compaction" && typeof block.content === "string") pieces.push(block.content.slice(0, SUMMARY_PIECE_CHARS));
      if (message.role === "user" && block?.type === "text" && block.text) pieces.push(String(block.text).slice(0, SUMMARY_PIECE_CHARS));
    }
  }
  const head = SUMMARY_PREFIX + (instructions ? `(instructions: ${instructions}) ` : "");
  // Over the cap the oldest pieces go: the latest exchange matters most to what comes next.
  while (pieces.length > 1 && head.length + pieces.join(" | ").length > SUMMARY_MAX_CHARS) pieces.shift();
  return (head + pieces.join(" | ")).slice(0, SUMMARY_MAX_CHARS);
}

interface ToolUseRef {
  id: string;
  name: string;
  /** Where the tool_use block and its result are: [message, block]. */
  use: [number, number];
  result?: [number, number];
}

function toolUses(messages: any[]): ToolUseRef[] {
  const uses: ToolUseRef[] = [];
  const byId = new Map<string, ToolUseRef>();
  messages.forEach((message, i) =>
    blocksOf(message).forEach((block, j) => {
      if (message.role === "assistant" && block?.type === "tool_use") {
        const ref: ToolUseRef = { id: block.id, name: block.name, use: [i, j] };
        uses.push(ref);
        byId.set(block.id, ref);
      }
      if (message.role === "user" && block?.type === "tool_result" && byId.has(block.tool_use_id)) byId.get(block.tool_use_id)!.result = [i, j];
    }),
  );
  return uses;
}

/** A copy of the messages with some blocks replaced: `edit(i, j, block)` returns the new block, or null to drop it. */
function mapBlocks(messages: any[], edit: (i: number, j: number, block: any) => any): any[] {
  return messages.map((message, i) => {
    if (typeof message.content === "string") return message;
    let changed = false;
    const content: any[] = [];
    message.content.forEach((block: any, j: number) => {
      const next = edit(i, j, block);
      if (next !== block) changed = true;
      if (next !== null) content.push(next);
    });
    return changed ? { ...message, content } : message;
  });
}

function clearToolUses(body: any, messages: any[], edit: any): { messages: any[]; cleared: string[] } {
  const tokens = promptTokens({ ...body, messages });
  const uses = toolUses(messages);
  const trigger = edit.trigger ?? { type: "input_tokens", value: DEFAULT_CLEAR_TRIGGER };
  const reached = trigger.type === "tool_uses" ? uses.length > trigger.value : tokens > trigger.value;
  if (!reached) return { messages, cleared: [] };
  const keep = edit.keep?.value ?? DEFAULT_KEEP_TOOL_USES;
  const excluded = new Set<string>(edit.exclude_tools ?? []);
  const clearing = uses.slice(0, Math.max(0, uses.length - keep)).filter((u) => u.result && !excluded.has(u.name));
  const inputs = edit.clear_tool_inputs;
  const clearsInput = (name: string) => inputs === true || (Array.isArray(inputs) && inputs.includes(name));
  const at = (pos: [number, number] | undefined, i: number, j: number) => !!pos && pos[0] === i && pos[1] === j;
  const next = mapBlocks(messages, (i, j, block) => {
    const use = clearing.find((u) => at(u.result, i, j) || at(u.use, i, j));
    if (!use) return block;
    if (block.type === "tool_result") return { ...block, content: CLEARED_TOOL_RESULT };
    return clearsInput(use.name) ? { ...block, input: {} } : block;
  });
  const freed = tokens - promptTokens({ ...body, messages: next });
  if (!clearing.length || freed < (edit.clear_at_least?.value ?? 0)) return { messages, cleared: [] };
  return { messages: next, cleared: clearing.map((u) => u.id) };
}

function clearThinking(messages: any[], edit: any): { messages: any[]; turns: number } {
  const keep = edit.keep === "all" || edit.keep?.type === "all" ? Infinity : (edit.keep?.value ?? DEFAULT_KEEP_THINKING_TURNS);
  const thinks = (b: any) => b?.type === "thinking" || b?.type === "redacted_thinking";
  const turns = messages.flatMap((m, i) => (m.role === "assistant" && blocksOf(m).some(thinks) ? [i] : []));
  const clearing = new Set(turns.slice(0, Math.max(0, turns.length - keep)));
  if (!clearing.size) return { messages, turns: 0 };
  return { messages: mapBlocks(messages, (i, _j, block) => (clearing.has(i) && thinks(block) ? null : block)), turns: clearing.size };
}

/**
 * What the API does with a valid request's context: the effective messages, the clearing edits
 * applied in the order given, and whether the compact edit fires on what is left.
 */
export function manageContext(body: any): ContextOutcome {
  let messages = effectiveMessages(body?.messages);
  const appliedEdits: AppliedEdit[] = [];
  const clearedToolUseIds: string[] = [];
  let clearedThinkingTurns = 0;
  let compactEdit: any;
  for (const edit of body?.context_management?.edits ?? []) {
    const before = promptTokens({ ...body, messages });
    if (edit.type === CLEAR_TOOL_USES) {
      const result = clearToolUses(body, messages, edit);
      if (!result.cleared.length) continue;
      messages = result.messages;
      clearedToolUseIds.push(...result.cleared);
      appliedEdits.push({ type: CLEAR_TOOL_USES, cleared_tool_uses: result.cleared.length, cleared_input_tokens: before - promptTokens({ ...body, messages }) });
    } else if (edit.type === CLEAR_THINKING) {
      const result = clearThinking(messages, edit);
      if (!result.turns) continue;
      messages = result.messages;
      clearedThinkingTurns += result.turns;
      appliedEdits.push({ type: CLEAR_THINKING, cleared_thinking_turns: result.turns, cleared_input_tokens: before - promptTokens({ ...body, messages }) });
    } else if (edit.type === COMPACT) {
      compactEdit = edit;
    }
  }
  const tokens = promptTokens({ ...body, messages });
  const outcome: ContextOutcome = { messages, promptTokens: tokens, appliedEdits, clearedToolUseIds, clearedThinkingTurns };
  if (compactEdit && tokens > (compactEdit.trigger?.value ?? DEFAULT_COMPACT_TRIGGER)) {
    const instructions = compactEdit.instructions ?? undefined;
    outcome.compaction = { content: compactionSummary(messages, instructions), instructions, pause: !!compactEdit.pause_after_compaction, inputTokens: tokens };
  }
  return outcome;
}

/** The models endpoint's `context_management` capability for a model's list of edits (none: not reported). */
export function contextManagementCapability(edits: ContextEditType[] | undefined): any {
  const support = (type: ContextEditType) => (edits ? { supported: edits.includes(type) } : null);
  return {
    supported: !!edits?.length,
    [COMPACT]: support(COMPACT),
    [CLEAR_TOOL_USES]: support(CLEAR_TOOL_USES),
    [CLEAR_THINKING]: support(CLEAR_THINKING),
  };
}
