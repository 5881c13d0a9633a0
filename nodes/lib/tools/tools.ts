// What every tool source shares: the API's rule for names, who a call came from, and the error
// result Claude gets when a call cannot run.
import type { ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../conversation/turn";

export { TOOL_NAME } from "../defaults";
/** The longest name the API takes. */
export const MAX_TOOL_NAME = 64;

/** Where a call came from, so a tool can tell who asked. */
export interface CallOrigin {
  conversationId: string;
  /** The message that started the turn. */
  msg: Record<string, unknown>;
}

export function errorOutcome(call: ToolUseBlock, message: string): ToolOutcome {
  return {
    block: { type: "tool_result", tool_use_id: call.id, content: message, is_error: true },
    record: { id: call.id, name: call.name, input: call.input, result: message, is_error: true },
  };
}
