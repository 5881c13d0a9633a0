// What every tool source shares: the API's rule for names, who a call came from, and the outcome
// of a call: the result Claude gets, and what the history records.
import type { ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../conversation/turn";
import type { ToolAnswer } from "./tool-result";

export { TOOL_NAME } from "../defaults";
/** The longest name the API takes. */
export const MAX_TOOL_NAME = 64;

/** Where a call came from, so a tool can tell who asked. */
export interface CallOrigin {
  conversationId: string;
  /** The message that started the turn. */
  msg: Record<string, unknown>;
}

/** A name not yet taken: the name itself, else with _2, _3... (cut to fit the API's length). */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = name.slice(0, MAX_TOOL_NAME - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A call's answer as the tool_result block Claude gets and the record the history keeps. */
export function answerOutcome(call: ToolUseBlock, { content, isError, summary }: ToolAnswer): ToolOutcome {
  return {
    block: { type: "tool_result", tool_use_id: call.id, content, ...(isError ? { is_error: true } : {}) },
    record: { id: call.id, name: call.name, input: call.input, result: summary, is_error: isError },
  };
}

export function errorOutcome(call: ToolUseBlock, message: string): ToolOutcome {
  return answerOutcome(call, { content: message, isError: true, summary: message });
}
