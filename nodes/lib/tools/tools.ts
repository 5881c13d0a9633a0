// Dispatching Claude's client tool calls to the tools a conversation may use.
import type { Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../conversation/turn";

/** The API's rule for tool names. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Where a call came from, so a tool can tell who asked. */
export interface CallOrigin {
  conversationId: string;
  /** The message that started the turn. */
  msg: Record<string, unknown>;
}

/** Something Claude can call: a tool node, or anything else that answers calls. */
export interface ToolProvider {
  readonly toolName: string;
  definition(): Tool;
  invoke(call: ToolUseBlock, origin: CallOrigin, signal?: AbortSignal): Promise<ToolOutcome>;
}

export function errorOutcome(call: ToolUseBlock, message: string): ToolOutcome {
  return {
    block: { type: "tool_result", tool_use_id: call.id, content: message, is_error: true },
    record: { id: call.id, name: call.name, input: call.input, result: message, is_error: true },
  };
}

/** Runs every call of a round at once; a call to a tool this conversation does not have gets an error result. */
export function runToolCalls(
  providers: ToolProvider[],
  calls: ToolUseBlock[],
  origin: CallOrigin,
  unknownToolMessage: (name: string, known: string[]) => string,
  signal?: AbortSignal,
): Promise<ToolOutcome[]> {
  const byName = new Map(providers.map((p) => [p.toolName, p]));
  return Promise.all(
    calls.map(async (call) => {
      const provider = byName.get(call.name);
      if (!provider) return errorOutcome(call, unknownToolMessage(call.name, [...byName.keys()]));
      try {
        return await provider.invoke(call, origin, signal);
      } catch (err) {
        return errorOutcome(call, err instanceof Error ? err.message : String(err));
      }
    }),
  );
}
