// An Anthropic account as the config node holds it: one SDK client, reused by every node, the model
// options they inherit, what the models endpoint says about each model, and every request in flight
// so a redeploy can end them. No Node-RED here.
import Anthropic from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsBase } from "@anthropic-ai/sdk/resources/messages";
import type { ModelInfo } from "@anthropic-ai/sdk/resources/models";
import { ClaudeNodeError } from "./errors";
import type { ModelOptions } from "./options";
import type { ModelFacts } from "./request";
import { Semaphore } from "./semaphore";

export interface AccountSettings {
  apiKey?: string;
  baseUrl?: string;
  timeoutSeconds: number;
  maxRetries: number;
  /** Requests allowed in flight at once; the rest wait in order. */
  maxConcurrent: number;
  options: ModelOptions;
}

export interface StreamHooks {
  signal?: AbortSignal;
  /** Called with each piece of text as Claude writes it. */
  onText?: (delta: string) => void;
}

const FACTS_RETRY_MS = 5 * 60_000;

export class Account {
  readonly options: ModelOptions;
  private sdk?: Anthropic;
  private readonly inFlight = new Set<AbortController>();
  private readonly facts = new Map<string, { at: number; value: Promise<ModelFacts> }>();
  private readonly slots: Semaphore;
  private closed = false;

  constructor(private readonly settings: AccountSettings) {
    this.options = settings.options;
    this.slots = new Semaphore(settings.maxConcurrent);
  }

  /** The key in use: the credential, else ANTHROPIC_API_KEY. */
  get apiKey(): string | undefined {
    return this.settings.apiKey || process.env.ANTHROPIC_API_KEY || undefined;
  }

  get client(): Anthropic {
    const apiKey = this.apiKey;
    if (!apiKey) throw new ClaudeNodeError("errors.no-key", {}, "authentication_error");
    // The key is passed explicitly so the SDK never falls back to other credential sources.
    this.sdk ??= new Anthropic({
      apiKey,
      baseURL: this.settings.baseUrl || undefined,
      timeout: this.settings.timeoutSeconds * 1000,
      maxRetries: this.settings.maxRetries,
      logLevel: "off",
    });
    return this.sdk;
  }

  /** Sends one request as a stream and resolves with the whole message. */
  async stream(params: MessageCreateParamsBase, hooks: StreamHooks = {}): Promise<Message> {
    if (this.closed) throw new ClaudeNodeError("errors.closed", {}, "aborted");
    const client = this.client;
    const controller = new AbortController();
    const abort = () => controller.abort();
    hooks.signal?.addEventListener("abort", abort);
    this.inFlight.add(controller);
    try {
      await this.slots.acquire(controller.signal);
      try {
        const stream = client.messages.stream(params, { signal: controller.signal });
        if (hooks.onText) stream.on("text", hooks.onText);
        return await stream.finalMessage();
      } finally {
        this.slots.release();
      }
    } finally {
      this.inFlight.delete(controller);
      hooks.signal?.removeEventListener("abort", abort);
    }
  }

  /** What the models endpoint says about a model, asked once; undefined when it cannot be asked. */
  modelFacts(model: string): Promise<ModelFacts> {
    const cached = this.facts.get(model);
    if (cached && Date.now() - cached.at < FACTS_RETRY_MS) return cached.value;
    const value = this.client.models.retrieve(model, {}, { maxRetries: 0, timeout: 10_000 }).then(
      (info) => ({ capabilities: info.capabilities }),
      () => {
        // Unknown: ask again later rather than on every message.
        return undefined;
      },
    );
    this.facts.set(model, { at: Date.now(), value });
    return value;
  }

  async listModels(): Promise<ModelInfo[]> {
    const models: ModelInfo[] = [];
    for await (const model of this.client.models.list({ limit: 100 }, { maxRetries: 0, timeout: 15_000 })) models.push(model);
    return models;
  }

  /** Ends every request in flight; the account takes no new ones. */
  close(): void {
    this.closed = true;
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }
}
