// Conversation memory kept through Node-RED's context API (any store: memory, localfilesystem,
// Redis...), one context key per conversation, with idle expiry and a cap on stored messages.
import type { Container, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { historyProblem, trimHistory } from "./history";
import { keptTokens, trimToTokens } from "./token-cap";
import { flatKey, readContext, writeContext, type ContextLike } from "../context-store";

export type { ContextLike };

export interface MemorySettings {
  /** Context store name; empty for the default store. */
  store?: string;
  idleMinutes: number;
  maxMessages: number;
}

/** The code execution container of a conversation: its id and when the API drops it. */
export type StoredContainer = Pick<Container, "id" | "expires_at">;

interface StoredConversation {
  messages: MessageParam[];
  model?: string;
  container?: StoredContainer;
  /** The tokens the history measured in its last request (estimated after a trim). */
  tokens?: number;
  updated: number;
}

/** What the turn's last request measured, and the cap in tokens for this conversation (0: none). */
export interface TokenMeasure {
  tokens: number;
  cap: number;
  /** The length of the instructions and tool definitions the request sent besides the messages. */
  fixedWeight?: number;
}

export interface LoadedConversation {
  messages: MessageParam[];
  model?: string;
  /** The container to send again; left out once it has expired. */
  container?: StoredContainer;
  /** Set when a stored history was unusable and has been reset. */
  discarded?: string;
}

const PREFIX = "conversation_";

/** The context key of a conversation. */
export function contextKey(id: string): string {
  return flatKey(PREFIX, id);
}

export class ConversationMemory {
  constructor(
    private readonly context: ContextLike,
    private readonly settings: MemorySettings,
    private readonly now: () => number = Date.now,
  ) {}

  private get store(): string | undefined {
    return this.settings.store || undefined;
  }

  /** A container still alive, or undefined (an unreadable expiry counts as expired). */
  private liveContainer(value: unknown): StoredContainer | undefined {
    const container = value as StoredContainer | undefined;
    if (!container || typeof container.id !== "string" || !container.id || typeof container.expires_at !== "string") return undefined;
    const expires = Date.parse(container.expires_at);
    return expires > this.now() ? { id: container.id, expires_at: container.expires_at } : undefined;
  }

  private expired(record: StoredConversation): boolean {
    return this.settings.idleMinutes > 0 && this.now() - record.updated > this.settings.idleMinutes * 60_000;
  }

  private get(key: string): Promise<any> {
    return readContext(this.context, key, this.store);
  }

  private set(key: string, value: any): Promise<void> {
    return writeContext(this.context, key, value, this.store);
  }

  async load(id: string): Promise<LoadedConversation> {
    const key = contextKey(id);
    const record = await this.get(key);
    if (record === undefined || record === null) return { messages: [] };
    const problem = record && typeof record === "object" ? historyProblem(record.messages) : "not a stored conversation";
    if (problem) {
      await this.set(key, undefined);
      return { messages: [], discarded: problem };
    }
    if (typeof record.updated === "number" && this.expired(record)) {
      await this.set(key, undefined);
      return { messages: [] };
    }
    // Trimmed here too, so a lowered cap (or a hand-edited store) never sends more than it allows.
    const container = this.liveContainer(record.container);
    return {
      messages: trimHistory(record.messages, this.settings.maxMessages),
      model: typeof record.model === "string" ? record.model : undefined,
      ...(container ? { container } : {}),
    };
  }

  /**
   * Stores a conversation, trimmed to the cap. `cached`: the requests cache the whole conversation.
   * Then a full history is trimmed to half the cap at once, because dropping the oldest turn every
   * turn changes the start of the prompt every turn, and the whole history is written to the cache
   * again each time (1.25× the input price) instead of read from it (0.1×). `measure`: the tokens the
   * turn's last request measured and the cap in tokens, trimmed the same way (to half the cap when cached).
   */
  async save(id: string, messages: MessageParam[], model?: string, cached = false, container?: StoredContainer, measure?: TokenMeasure): Promise<void> {
    const max = this.settings.maxMessages;
    const live = this.liveContainer(container);
    let kept = trimHistory(messages, max, cached ? Math.ceil(max / 2) : max);
    let tokens: number | undefined;
    if (measure && measure.tokens > 0) {
      // The measure covers every message the turn sent; the message cap may already have dropped some.
      const fixed = measure.fixedWeight ?? 0;
      const measured = keptTokens(kept, messages, measure.tokens, fixed);
      let capped = measure.cap > 0 ? trimToTokens(kept, measured, measure.cap, false, fixed) : kept;
      // Over the cap, a cached conversation goes down to half of it at once, as with the message cap.
      if (cached && capped !== kept) capped = trimToTokens(kept, measured, Math.ceil(measure.cap / 2), false, fixed);
      tokens = keptTokens(capped, kept, measured, fixed);
      kept = capped;
    }
    const record: StoredConversation = { messages: kept, model, ...(live ? { container: live } : {}), ...(tokens !== undefined ? { tokens } : {}), updated: this.now() };
    await this.set(contextKey(id), record);
  }

  async clear(id: string): Promise<void> {
    await this.set(contextKey(id), undefined);
  }

  /** Deletes every expired conversation; returns how many. */
  async sweep(): Promise<number> {
    const keys: string[] = await new Promise((resolve, reject) =>
      this.context.keys(this.store, (err, k) => (err ? reject(err) : resolve(k ?? []))),
    );
    let removed = 0;
    for (const key of keys) {
      if (!key.startsWith(PREFIX)) continue;
      const record = await this.get(key);
      if (!record || typeof record.updated !== "number" || this.expired(record)) {
        await this.set(key, undefined);
        removed++;
      }
    }
    return removed;
  }
}
