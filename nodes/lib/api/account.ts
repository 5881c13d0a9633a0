// An Anthropic account as the config node holds it: one SDK client, reused by every node, the model
// options they inherit, each model's capabilities and limits as the models endpoint gives them, and
// every request in flight so a redeploy can end them. No Node-RED here.
import Anthropic, { APIError, BadRequestError } from "@anthropic-ai/sdk";
import type { Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { BetaMessageStreamParams } from "@anthropic-ai/sdk/resources/beta/messages/messages";
import type { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import type { ModelInfo } from "@anthropic-ai/sdk/resources/models";
import { setTimeout as sleep } from "timers/promises";
import { CostGuard, NO_LIMITS, type CostLimits, type TurnBudget } from "./cost-guard";
import { ClaudeError } from "../errors";
import { setBounded } from "../bounded-map";
import { headerSecrets } from "./extra-headers";
import { checkRequestSize } from "./request-size";
import type { ModelOptions } from "./options";
import type { ModelEntry } from "./models";
import { Semaphore } from "./semaphore";
import { olderVersions, versionsIn, withVersions, type VersionChoice } from "./server-tool-versions";
import { requestWorth } from "./token-estimate";
import { betasFor } from "./context-editing";
import type { RequestParams } from "./request";
import { IdleWatchdog } from "./watchdog";

export interface AccountSettings {
  apiKey?: string;
  baseUrl?: string;
  /** Extra request headers for a gateway, from the account's credentials; their values are secrets. */
  headers?: Record<string, string>;
  timeoutSeconds: number;
  maxRetries: number;
  /** Requests allowed in flight at once; the rest wait in order. */
  maxConcurrent: number;
  options: ModelOptions;
  /** The cost guard's limits; none when left out. */
  limits?: CostLimits;
}

export interface StreamHooks {
  signal?: AbortSignal;
  /** Called with each piece of text as Claude writes it. */
  onText?: (delta: string) => void;
  /** Called with each raw event of the stream, in order. */
  onEvent?: (event: RawMessageStreamEvent) => void;
  /** Before a failed stream is sent again; false keeps it from being sent again (its text has gone out). */
  beforeRetry?: () => boolean;
  /** The turn this request belongs to, for the cost guard's per-turn limit. */
  turn?: TurnBudget;
}

/** How long a model's capabilities (or the failure to get them) are kept before asking again. */
const CAPABILITIES_CACHE_MS = 5 * 60_000;
/** Models whose capabilities (and refused server tool versions) are kept at once: msg.model can be anything a flow sends. */
const MAX_CACHED_MODELS = 50;
/** Pause before sending again after an `error` event inside a stream (the SDK retries only HTTP errors). */
const STREAM_RETRY_DELAY_MS = 500;

/** Transient failures the API reports inside a 200 stream, which the SDK does not retry. */
function retryableInStream(err: unknown): boolean {
  return err instanceof APIError && err.status === undefined && (err.type === "overloaded_error" || err.type === "api_error");
}

/**
 * Streams a request. Context management is a beta: such requests go through the SDK's beta client,
 * whose stream also assembles compaction blocks. Its messages are a superset of the GA ones (blocks
 * such as `compaction` are kept and sent back as they came).
 */
function openStream(client: Anthropic, params: RequestParams, signal: AbortSignal): MessageStream {
  const edits = params.context_management?.edits ?? [];
  if (!edits.length) return client.messages.stream(params, { signal });
  const beta = client.beta.messages.stream({ ...params, betas: betasFor(edits) } as BetaMessageStreamParams, { signal });
  return beta as unknown as MessageStream;
}

export class Account {
  readonly options: ModelOptions;
  private sdk?: Anthropic;
  private readonly inFlight = new Set<AbortController>();
  private readonly entryCache = new Map<string, { at: number; value: Promise<ModelEntry | undefined> }>();
  /** Older server tool versions per model, after the API refused newer ones for it. */
  private readonly toolVersions = new Map<string, Partial<VersionChoice>>();
  private readonly slots: Semaphore;
  private closed = false;
  /** Ends the account's other requests (model lookups) on close. */
  private readonly closing = new AbortController();
  readonly guard: CostGuard;

  constructor(private readonly settings: AccountSettings) {
    this.options = settings.options;
    this.slots = new Semaphore(settings.maxConcurrent);
    this.guard = new CostGuard(settings.limits ?? NO_LIMITS);
  }

  /** The key in use: the credential, else ANTHROPIC_API_KEY. */
  get apiKey(): string | undefined {
    // Trimmed where it is read: a key pasted with a line break works, and redaction looks for what is sent.
    return this.settings.apiKey?.trim() || process.env.ANTHROPIC_API_KEY?.trim() || undefined;
  }

  /** Everything to keep out of what is shown: the key and the extra headers' values. */
  get secrets(): readonly string[] {
    const key = this.apiKey;
    return [...(key ? [key] : []), ...headerSecrets(this.settings.headers ?? {})];
  }

  get client(): Anthropic {
    const apiKey = this.apiKey;
    if (!apiKey) throw new ClaudeError("errors.no-key", {}, "authentication_error");
    // The key is passed explicitly so the SDK never falls back to other credential sources.
    this.sdk ??= new Anthropic({
      apiKey,
      baseURL: this.settings.baseUrl || undefined,
      ...(this.settings.headers && Object.keys(this.settings.headers).length ? { defaultHeaders: this.settings.headers } : {}),
      timeout: this.settings.timeoutSeconds * 1000,
      maxRetries: this.settings.maxRetries,
      logLevel: "off",
    });
    return this.sdk;
  }

  /**
   * Sends one request, streamed (so long answers neither time out nor wait in silence), and resolves
   * with the whole message. Waits for a free slot when the account limits parallel requests; before
   * each attempt waits for room under the cost guard's daily limit (reserving what the request may
   * use), and feeds the guard after; sends once more after a transient error event inside the stream.
   */
  async createMessage(params: RequestParams, hooks: StreamHooks = {}): Promise<Message> {
    // What the API cannot take is refused here, before it is uploaded (first: the lookup may wait).
    checkRequestSize(params, (await this.modelEntry(params.model))?.max_input_tokens);
    if (this.closed) throw new ClaudeError("errors.closed", {}, "aborted");
    // An already-aborted signal fires no event: without this, a queued turn of a stopped node would still be sent.
    if (hooks.signal?.aborted) throw new ClaudeError("errors.aborted", {}, "aborted");
    const client = this.client;
    const controller = new AbortController();
    const abort = () => controller.abort();
    hooks.signal?.addEventListener("abort", abort);
    this.inFlight.add(controller);
    try {
      await this.slots.acquire(controller.signal);
      try {
        let retriesLeft = this.settings.maxRetries > 0 ? 1 : 0;
        const worth = requestWorth(params);
        let request = this.withKnownToolVersions(params);
        for (;;) {
          const admission = await this.guard.admit(worth, hooks.turn, controller.signal);
          try {
            return await this.streamOnce(client, request, controller.signal, hooks);
          } catch (err) {
            const older = this.olderToolVersions(request, err);
            if (older && !controller.signal.aborted) {
              // Not a failed attempt: the same request in a form this model takes, sent at once.
              request = older;
              continue;
            }
            if (!retriesLeft || !retryableInStream(err) || controller.signal.aborted || hooks.beforeRetry?.() === false) throw err;
            retriesLeft--;
          } finally {
            admission.release();
          }
          await sleep(STREAM_RETRY_DELAY_MS, undefined, { signal: controller.signal }).catch(() => {
            throw new ClaudeError("errors.aborted", {}, "aborted");
          });
        }
      } finally {
        this.slots.release();
      }
    } catch (err) {
      // Aborted while queued for a slot: say so rather than pass on the signal's bare reason.
      if (controller.signal.aborted && !(err instanceof ClaudeError) && !(err instanceof APIError)) {
        throw new ClaudeError("errors.aborted", {}, "aborted");
      }
      throw err;
    } finally {
      this.inFlight.delete(controller);
      hooks.signal?.removeEventListener("abort", abort);
    }
  }

  private withKnownToolVersions(params: RequestParams): RequestParams {
    const known = this.toolVersions.get(params.model);
    return known && params.tools ? { ...params, tools: withVersions(params.tools, known) } : params;
  }

  /**
   * When the API refused a server tool version for this model (a 400 naming it), the request with the
   * next older version, remembered for the model; otherwise undefined.
   */
  private olderToolVersions(params: RequestParams, err: unknown): RequestParams | undefined {
    if (!(err instanceof BadRequestError) || !params.tools) return undefined;
    const older = olderVersions(versionsIn(params.tools), String(err.apiMessage ?? err.message));
    if (!older) return undefined;
    setBounded(this.toolVersions, params.model, { ...this.toolVersions.get(params.model), ...older }, MAX_CACHED_MODELS);
    return { ...params, tools: withVersions(params.tools, older) };
  }

  /** One attempt: the SDK's timeout covers the wait for the headers, the idle watchdog the body. */
  private async streamOnce(client: Anthropic, params: RequestParams, signal: AbortSignal, hooks: StreamHooks): Promise<Message> {
    const stream = openStream(client, params, signal);
    let stalled = false;
    const watchdog = new IdleWatchdog(this.settings.timeoutSeconds * 1000, () => {
      stalled = true;
      stream.abort();
    });
    stream.on("connect", () => watchdog.touch());
    stream.on("streamEvent", () => watchdog.touch());
    if (hooks.onText) stream.on("text", hooks.onText);
    if (hooks.onEvent) stream.on("streamEvent", hooks.onEvent);
    let message: Message;
    try {
      message = await stream.finalMessage();
    } catch (err) {
      // A failed stream may still have been billed for what it read and wrote.
      await this.count(stream.currentMessage?.usage, hooks);
      if (stalled) throw new ClaudeError("errors.stalled", { seconds: this.settings.timeoutSeconds }, "timeout");
      throw err;
    } finally {
      watchdog.stop();
    }
    // Counted once, also when the answer turns out to be cut off.
    await this.count(message.usage, hooks);
    // Every whole answer ends with a message_delta naming why it stopped; without it the answer was cut off.
    if (!message.stop_reason) throw new ClaudeError("errors.no-stop-reason", {}, "incomplete_response");
    return message;
  }

  /** Counts a request's tokens; the reply is handed on once the count is kept (a store that cannot keep it fails no turn). */
  private count(usage: Message["usage"] | undefined, hooks: StreamHooks): Promise<void> {
    return this.guard.record(usage, hooks.turn).catch(() => undefined);
  }

  /**
   * What the models endpoint says about a model (capabilities, max tokens, context window), kept for a few minutes;
   * undefined when it could not be asked (also kept, so a failing endpoint is not asked on every message).
   */
  modelEntry(model: string): Promise<ModelEntry | undefined> {
    const cached = this.entryCache.get(model);
    if (cached && Date.now() - cached.at < CAPABILITIES_CACHE_MS) return cached.value;
    const value = this.client.models.retrieve(model, {}, { maxRetries: 0, timeout: 10_000, signal: this.closing.signal }).then(
      (info) => ({ capabilities: info.capabilities, max_tokens: info.max_tokens, max_input_tokens: info.max_input_tokens }),
      () => undefined,
    );
    setBounded(this.entryCache, model, { at: Date.now(), value }, MAX_CACHED_MODELS);
    return value;
  }

  async listModels(): Promise<ModelInfo[]> {
    const models: ModelInfo[] = [];
    for await (const model of this.client.models.list({ limit: 100 }, { maxRetries: 0, timeout: 15_000, signal: this.closing.signal })) models.push(model);
    return models;
  }

  /** Ends every request in flight; the account takes no new ones. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }
}
