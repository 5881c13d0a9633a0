// 8. What keeping every turn on disk at once costs: the conversation memory saving one turn into
// Node-RED's own `localfilesystem` store with `cache: false` (each save reads and writes the node's
// whole context file), by how many conversations the node holds; and one write of the daily count.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { ConversationMemory, type ContextLike } from "../nodes/lib/conversation/memory";
import { measure, median, percentile } from "./support/measure";

export interface DurableStoreOptions {
  /** How many conversations the node holds, one row each. */
  conversations: number[];
  /** Messages per conversation (the default cap is 40). */
  messages: number;
  /** Saves timed per row. */
  writes: number;
}

export const DURABLE_STORE_DEFAULTS: DurableStoreOptions = { conversations: [1, 10, 100], messages: 40, writes: 100 };

export interface DurableStoreResult {
  options: DurableStoreOptions;
  rows: Array<{ conversations: number; fileBytes: number; p50Ms: number; p99Ms: number }>;
  countP50Ms: number;
}

interface Store {
  open(): Promise<void>;
  close(): Promise<void>;
  get(scope: string, key: string, cb: (err: unknown, value?: unknown) => void): void;
  set(scope: string, key: string, value: unknown, cb: (err?: unknown) => void): void;
  keys(scope: string, cb: (err: unknown, keys?: string[]) => void): void;
}

// Node-RED's own store module, as settings.js names it (`module: "localfilesystem"`).
const localfilesystem: (config: object) => Store = require(path.join(path.dirname(require.resolve("@node-red/runtime/package.json")), "lib/nodes/context/localfilesystem.js"));

/** A node's context over one scope of the store, as Node-RED hands it to the node. */
function nodeContext(store: Store, scope: string): ContextLike {
  return {
    get: (key, _s, cb) => store.get(scope, key, (err, value) => cb(err as Error | undefined, value)),
    set: (key, value, _s, cb) => store.set(scope, key, value, (err) => cb(err as Error | undefined)),
    keys: (_s, cb) => store.keys(scope, (err, keys) => cb(err as Error | undefined, keys)),
  };
}

function history(messages: number, salt: string): MessageParam[] {
  return Array.from({ length: messages }, (_, i) =>
    i % 2 ? { role: "assistant", content: [{ type: "text", text: `An answer of a few sentences ${salt}. `.repeat(8) }] } : { role: "user", content: `A question ${salt}, ${i}. `.repeat(3) },
  );
}

async function timed(times: number, run: () => Promise<void>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) ms.push((await measure(run)).wallMs);
  return ms;
}

export async function runDurableStore(options: DurableStoreOptions = DURABLE_STORE_DEFAULTS): Promise<DurableStoreResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nrc-bench-durable-"));
  const store = localfilesystem({ cache: false, dir });
  await store.open();
  try {
    const rows: DurableStoreResult["rows"] = [];
    for (const [i, conversations] of options.conversations.entries()) {
      const scope = `node${i}:flow`;
      const memory = new ConversationMemory(nodeContext(store, scope), { idleMinutes: 0, maxMessages: options.messages });
      for (let c = 0; c < conversations; c++) await memory.save(`c${c}`, history(options.messages, `c${c}`));
      let turn = 0;
      const ms = await timed(options.writes, () => memory.save("c0", history(options.messages, `turn ${turn++}`)));
      const fileBytes = fs.statSync(path.join(dir, "context", "flow", `node${i}.json`)).size;
      rows.push({ conversations, fileBytes, p50Ms: median(ms), p99Ms: percentile(ms, 99) });
    }
    let tokens = 0;
    const count = await timed(options.writes, () => new Promise((resolve) => store.set("global", "claude_usage_account", { day: "2026-12-1", tokens: (tokens += 100) }, () => resolve())));
    return { options, rows, countP50Ms: median(count) };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
