// Memories kept through Node-RED's context API (the global context, so every conversation node can
// share one), one context key per memory id, apart from the conversations: their expiry and reset
// do not touch it. Commands on one memory run one after another, across all nodes, so conversations
// sharing a memory never lose each other's writes.
import { flatKey, readContext, writeContext, type ContextLike } from "../context-store";
import { KeyedQueue } from "../conversation/keyed-queue";
import { MemoryFiles, type MemoryCommand, type MemoryData, type MemoryLimits, MEMORY_LIMITS } from "./files";

const PREFIX = "claude_memory_";

/** The global context key of a memory. */
export function memoryKey(id: string): string {
  return flatKey(PREFIX, id);
}

/** Stored data as it can be used: a hand-edited or foreign value counts as an empty memory. */
function usable(value: unknown): MemoryData {
  const files = (value as MemoryData | undefined)?.files;
  if (!files || typeof files !== "object" || Array.isArray(files)) return { files: {} };
  return { files: Object.fromEntries(Object.entries(files).filter(([path, text]) => path.startsWith("/memories/") && typeof text === "string")) };
}

/** One queue for every store: two nodes may share a memory id in the same context. */
const queue = new KeyedQueue();

export class MemoryStore {
  constructor(
    private readonly context: ContextLike,
    /** Context store name; empty for the default store. */
    private readonly store: string | undefined,
    private readonly limits: MemoryLimits = MEMORY_LIMITS,
  ) {}

  private get(key: string): Promise<unknown> {
    return readContext(this.context, key, this.store);
  }

  private set(key: string, value: unknown): Promise<void> {
    return writeContext(this.context, key, value, this.store);
  }

  /** Runs one command on a memory and stores what it changed; rejects with the command's error. */
  run(id: string, command: MemoryCommand): Promise<string> {
    const key = memoryKey(id);
    return queue.run(key, async () => {
      const files = new MemoryFiles(usable(await this.get(key)), this.limits);
      const result = files.run(command);
      if (MemoryFiles.writes(command)) await this.set(key, Object.keys(files.data.files).length ? files.data : undefined);
      return result;
    });
  }

  /** The files of a memory (for tests and tools that show it). */
  async files(id: string): Promise<Record<string, string>> {
    return usable(await this.get(memoryKey(id))).files;
  }

  /** Forgets a memory. */
  forget(id: string): Promise<void> {
    const key = memoryKey(id);
    return queue.run(key, () => this.set(key, undefined));
  }
}
