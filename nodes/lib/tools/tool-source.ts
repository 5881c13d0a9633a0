// What a conversation's tools come from. Tool nodes (flows), MCP servers and the memory tool are
// each a source; a conversation asks its sources for their tools once per turn and runs every call
// through the source that offered it. Names need only be unique within a source: the conversation's
// tool set makes them unique across sources and maps each offered name back.
import type { MemoryTool20250818, Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../conversation/turn";
import type { CallOrigin } from "./tools";

/**
 * A tool a source offers: a custom tool (name, description, schema), or one of Anthropic's client
 * tools whose definition and name are fixed (the memory tool), which the source still runs.
 */
export type ClientTool = Tool | MemoryTool20250818;

/** Anthropic's client tools carry a type and must keep their name. */
export function fixedName(tool: ClientTool): boolean {
  return tool.type !== undefined && tool.type !== "custom";
}

export interface ToolSource {
  /** Who offers the tools, for messages and logs (for example the node's name). */
  readonly label: string;
  /** The tools offered now, named as the source knows them. May use a cached list: never a fetch per turn. */
  tools(signal: AbortSignal): Promise<ClientTool[]>;
  /**
   * Runs one call of a tool this source offered. `call.name` is the source's own name for the tool.
   * Resolves with an error outcome (or throws) on failure; never hangs past `signal`.
   */
  call(call: ToolUseBlock, origin: CallOrigin, signal: AbortSignal): Promise<ToolOutcome>;
  /** Text the source asks to add to the instructions (an MCP server's instructions), if any. */
  instructions?(signal: AbortSignal): Promise<string | undefined>;
}
