// The memory tool as a tool source: Anthropic's client tool `memory_20250818`, whose commands run
// on the memory of the turn (msg.memory_id, else the node's own). A refused path or command goes
// back to Claude as an error result; only a failing context store is a failure of the call.
import type { MemoryTool20250818, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../conversation/turn";
import type { ToolSource } from "../tools/tool-source";
import { answerOutcome, errorOutcome, type CallOrigin } from "../tools/tools";
import { MemoryCommandError, type MemoryCommand } from "./files";
import { MemoryPathError } from "./paths";
import type { MemoryStore } from "./store";

export const MEMORY_TOOL: Readonly<MemoryTool20250818> = Object.freeze({ type: "memory_20250818", name: "memory" });

export class MemoryToolSource implements ToolSource {
  readonly label = "memory";

  constructor(
    private readonly store: MemoryStore,
    /** The memory a call works on, from the message that started the turn. */
    private readonly memoryId: (origin: CallOrigin) => string,
  ) {}

  async tools(): Promise<MemoryTool20250818[]> {
    return [{ ...MEMORY_TOOL }];
  }

  async call(call: ToolUseBlock, origin: CallOrigin): Promise<ToolOutcome> {
    let result: string;
    try {
      result = await this.store.run(this.memoryId(origin), call.input as MemoryCommand);
    } catch (err) {
      if (err instanceof MemoryPathError || err instanceof MemoryCommandError) return errorOutcome(call, `Error: ${err.message}`);
      throw err;
    }
    return answerOutcome(call, { content: result, isError: false, summary: result });
  }
}
