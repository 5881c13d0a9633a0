// The conversation node's long-term memory: the memory tool's files in the global context of the
// node's context store, under msg.memory_id or, without one, the node's id.
import type { Node } from "node-red";
import type { ContextLike } from "../lib/conversation/memory";
import { ClaudeError } from "../lib/errors";
import { MemoryToolSource } from "../lib/memory-tool/memory-source";
import { MemoryStore } from "../lib/memory-tool/store";
import type { ToolSource } from "../lib/tools/tool-source";

const MAX_MEMORY_ID = 256;

export interface LongTermMemory {
  source: ToolSource;
  /** The memory id a message names; a ClaudeError when msg.memory_id is unusable. */
  idOf(msg: Record<string, unknown>): string;
  /** Forgets the memory a message names (msg.memory_id, else the node's). */
  forget(msg: Record<string, unknown>): Promise<void>;
}

/** The memory id of a message: msg.memory_id (text or a number), else the node's own memory. */
export function memoryIdOf(msg: Record<string, unknown>, nodeId: string): string {
  const value = msg.memory_id;
  if (value === undefined || value === null || value === "") return nodeId;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.length <= MAX_MEMORY_ID) return value;
  throw new ClaudeError("errors.bad-memory-id", { max: MAX_MEMORY_ID });
}

export function memoryToolFor(node: Node, store: string | undefined): LongTermMemory {
  const memories = new MemoryStore(node.context().global as unknown as ContextLike, store || undefined);
  return {
    source: new MemoryToolSource(memories, (origin) => memoryIdOf(origin.msg, node.id)),
    idOf: (msg) => memoryIdOf(msg, node.id),
    forget: (msg) => memories.forget(memoryIdOf(msg, node.id)),
  };
}
