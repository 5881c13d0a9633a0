// 3. Memory: the heap of a Node-RED process holding many stored conversations in the real
// conversation node's memory context (default store, default caps), and after they expire.
// Expiry is driven by redeploying the node with a very short idle time, so its own sweep removes
// them; baseline, stored and expired heaps are measured in the same run after full collections.
import { startRuntime, type Runtime } from "./support/node-red";
import { Conversations, conversationFlow, pool } from "./support/flows";
import { settledHeap, sleep } from "./support/measure";
import { startStandInProcess } from "./support/standin-process";

export interface MemoryOptions {
  /** Conversations of one turn each. */
  conversations: number;
  /** Conversations driven past the message cap. */
  cappedConversations: number;
  cappedTurns: number;
  parallel: number;
  /** The short idle time used to expire everything, in minutes. */
  expiryMinutes: number;
}

export const MEMORY_DEFAULTS: MemoryOptions = { conversations: 10_000, cappedConversations: 200, cappedTurns: 25, parallel: 100, expiryMinutes: 0.01 };
/** The conversation node's default cap on stored messages. */
export const DEFAULT_MAX_MESSAGES = 40;

export interface MemoryResult {
  options: MemoryOptions;
  baselineBytes: number;
  /** After `conversations` one-turn conversations. */
  storedBytes: number;
  /** After the capped conversations too. */
  cappedBytes: number;
  expiredBytes: number;
  perConversationBytes: number;
  perCappedConversationBytes: number;
  /** JSON size of one stored one-turn conversation and of one capped one: the data itself. */
  recordJsonBytes: number;
  cappedRecordJsonBytes: number;
  storedCount: number;
  longestHistory: number;
  leftAfterExpiry: number;
  expiryMs: number;
}

function storedKeys(runtime: Runtime): string[] {
  return (runtime.node("chat").context().keys() as string[]).filter((k) => k.startsWith("conversation_"));
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(50);
  }
}

export async function runMemory(options: MemoryOptions = MEMORY_DEFAULTS): Promise<MemoryResult> {
  const standIn = await startStandInProcess();
  const runtime = await startRuntime();
  try {
    await runtime.deploy(conversationFlow(standIn.url));
    const conversations = new Conversations(runtime);
    const context = () => runtime.node("chat").context();

    // Warm up every path, then clear those conversations through the node's own reset.
    const warm = Math.min(200, options.conversations);
    await pool(warm, options.parallel, (i) => conversations.say(`warm${i}`, "hello"));
    for (let i = 0; i < warm; i++) runtime.node("chat").receive({ reset: true, conversation_id: `warm${i}` });
    await until(() => storedKeys(runtime).length === 0, 30_000);
    const baselineBytes = await settledHeap();

    await pool(options.conversations, options.parallel, (i) => conversations.say(`m${i}`, `hello ${i}`));
    const storedCount = storedKeys(runtime).length;
    const storedBytes = await settledHeap();
    const recordJsonBytes = JSON.stringify(context().get(storedKeys(runtime)[0])).length;

    await pool(options.cappedConversations, options.parallel, async (i) => {
      for (let t = 0; t < options.cappedTurns; t++) await conversations.say(`cap${i}`, `turn ${t} of conversation ${i}`);
    });
    const cappedKeys = storedKeys(runtime).filter((k) => k.startsWith("conversation_cap"));
    const longestHistory = Math.max(0, ...cappedKeys.map((k) => context().get(k).messages.length));
    const cappedRecordJsonBytes = cappedKeys.length ? JSON.stringify(context().get(cappedKeys[0])).length : 0;
    const cappedBytes = await settledHeap();

    // Same node, same memory context, a very short idle time: the node's sweep expires everything.
    const started = Date.now();
    await runtime.deploy(conversationFlow(standIn.url, { conversation: { idleMinutes: options.expiryMinutes } }), { keepContext: true });
    await until(() => storedKeys(runtime).length === 0, 60_000).catch(() => undefined);
    const expiryMs = Date.now() - started;
    const leftAfterExpiry = storedKeys(runtime).length;
    const expiredBytes = await settledHeap();

    return {
      options,
      baselineBytes,
      storedBytes,
      cappedBytes,
      expiredBytes,
      perConversationBytes: (storedBytes - baselineBytes) / Math.max(1, options.conversations),
      perCappedConversationBytes: (cappedBytes - storedBytes) / Math.max(1, options.cappedConversations),
      recordJsonBytes,
      cappedRecordJsonBytes,
      storedCount,
      longestHistory,
      leftAfterExpiry,
      expiryMs,
    };
  } finally {
    await standIn.stop();
  }
}
