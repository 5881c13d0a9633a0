// A stand-in for Anthropic's API on loopback, speaking its wire format: JSON and SSE message
// responses, error bodies with request ids, retry-after, and the models endpoint.
// Tests script what Claude answers; every request is recorded so tests can assert on it.
import * as http from "http";
import type { AddressInfo } from "net";
import { Arrivals, closeServer, listenOnLoopback } from "./loopback";
import { effortLevels, modelRequestProblem, shapeThinking, takesServerTool, type EffortLevel } from "./model-rules";
import { breakpoints, CacheRuleError, promptBlocks, type CacheUsage, type PromptCacheSim } from "./prompt-cache-sim";
import { betasOf, blocksOf, CONTEXT_EDIT_TYPES, contextManagementCapability, contextManagementProblem, manageContext, promptTokens, type ContextEditType, type ContextOutcome } from "./context-management";

export { promptTokens } from "./context-management";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** Resolves when the response is over: "finished" when it was sent whole, "aborted" when the connection closed first. */
  settled: Promise<"finished" | "aborted">;
  /** SSE only: performance.now() when the first text_delta event was written to the socket. */
  firstTextAt?: number;
  /**
   * Message requests the stand-in answered: what context management made of the prompt (the
   * messages the model saw, what was cleared, the compaction this request did).
   */
  context?: ContextOutcome;
}

export interface Reply {
  /** Content blocks of the assistant message (text, thinking, tool_use, server tool blocks...). */
  content?: any[];
  stop_reason?: string;
  stop_details?: any;
  usage?: Partial<Record<string, number>>;
  model?: string;
  /** An HTTP error instead of a message. */
  status?: number;
  error?: { type: string; message: string };
  headers?: Record<string, string>;
  /** The request id in an error body, instead of the stand-in's own (a gateway may echo anything there). */
  requestId?: string;
  /** Send this exact body (e.g. invalid JSON) with the status. */
  rawBody?: string;
  /** SSE only: end the connection after this many events. */
  cutAfterEvents?: number;
  /** SSE only: send an `error` event after this many events, inside the 200 stream. */
  errorEventAfter?: number;
  /** The error that event carries; default overloaded_error. */
  errorEvent?: { type: string; message: string };
  /** Wait this long before answering, or (with stallAfterEvents) in the middle of the stream. */
  delayMs?: number;
  stallAfterEvents?: number;
  /** SSE only: pause this long between events, as a long answer written slowly does. */
  eventGapMs?: number;
  /** The code execution container the answer names (in message_delta when streaming). */
  container?: { id: string; expires_at: string; skills?: unknown[] | null };
  /** SSE only: leave out message_delta, so the stream ends without a stop reason. */
  omitMessageDelta?: boolean;
}

export type Responder = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface ModelEntry {
  id: string;
  display_name?: string;
  max_tokens?: number;
  max_input_tokens?: number;
  effort?: boolean;
  adaptive?: boolean;
  enabledThinking?: boolean;
  structured_outputs?: boolean;
  lifecycle?: "active" | "deprecated" | "retired";
  /** Effort levels as the entry reports them, over the default (every level as `effort`, xhigh null). */
  effortLevels?: Partial<Record<EffortLevel, boolean | null>>;
  /** Whether `thinking: {type: "disabled"}` is taken; true unless false. */
  disabledThinking?: boolean;
  /** The model thinks when a request leaves `thinking` out. */
  thinksByDefault?: boolean;
  /** The model omits thinking text unless a request asks for `display: "summarized"`. */
  omitsThinking?: boolean;
  /** The server tool versions (`web_search_20250305`, …) the model takes; every version when left out. */
  serverToolVersions?: string[];
  /** No programmatic tool calling: search and fetch versions that run code need `allowed_callers: ["direct"]`. */
  directCallersOnly?: boolean;
  /** The context management edits the model takes (`context_management.edits`); none when left out. */
  contextManagement?: ContextEditType[];
}

export const DEFAULT_MODELS: ModelEntry[] = [
  { id: "claude-haiku-4-5", display_name: "Claude Haiku 4.5", max_tokens: 64000, max_input_tokens: 200000, effort: false, adaptive: false, enabledThinking: true, structured_outputs: true },
  { id: "claude-sonnet-4-6", display_name: "Claude Sonnet 4.6", max_tokens: 128000, max_input_tokens: 1000000, effort: true, adaptive: true, enabledThinking: true, structured_outputs: true, contextManagement: CONTEXT_EDIT_TYPES },
  { id: "claude-opus-4-7", display_name: "Claude Opus 4.7", max_tokens: 128000, max_input_tokens: 1000000, effort: true, adaptive: true, enabledThinking: false, structured_outputs: true, omitsThinking: true, contextManagement: CONTEXT_EDIT_TYPES },
  { id: "claude-legacy-1", display_name: "Claude Legacy", max_tokens: 8192, max_input_tokens: 200000, effort: false, adaptive: false, enabledThinking: false, structured_outputs: false },
];

let requestCounter = 0;

export function isMessageRequest(r: RecordedRequest): boolean {
  return r.method === "POST" && r.path === "/v1/messages";
}

export class AnthropicStandIn {
  readonly requests: RecordedRequest[] = [];
  models: ModelEntry[] = DEFAULT_MODELS;
  /** When set, requests whose key is not in this list get the API's 401, as a refused key does. */
  acceptedKeys?: string[];
  /** Answers for the next message requests, used in order; when empty, `fallback` answers. */
  private queue: Responder[] = [];
  fallback: Responder = (req) => ({ content: [{ type: "text", text: `You said: ${lastUserText(req.body)}` }] });
  /**
   * Opt-in: when set, message usage reports the input tokens this prompt-cache model says were read,
   * written and processed plainly (overriding scripted values), and requests with too many cache
   * markers are refused as the API refuses them.
   */
  cacheSimulation?: PromptCacheSim;
  private server = http.createServer((req, res) => this.handle(req, res));
  private timers = new Set<NodeJS.Timeout>();
  private arrivals = new Arrivals();
  /** Message requests being answered right now, and the most there ever were at once. */
  active = 0;
  peakActive = 0;
  /** A hostile gateway: every answer's request id (header and error body) is the key the request carried. */
  echoKey = false;
  /** Delay of the models endpoint's answers. */
  modelsDelayMs = 0;
  /** Larger request bodies get the API's 413 request_too_large (its limit is 32 MB). */
  maxBodyBytes = 32 * 1024 * 1024;
  /** Requests with more than 4 cache breakpoints get the API's 400, as the real API always answers them. */
  refuseExtraCacheBreakpoints = true;
  /**
   * A context window in tokens (estimated from the request's size, `promptTokens`): a larger prompt
   * gets the API's 400 "prompt is too long", and an answer that would not fit after the prompt is cut
   * with the stop reason `model_context_window_exceeded`. Usage then reports the estimate as input.
   */
  contextLimit?: number;
  /** Compactions done (compaction blocks issued) so far. */
  compactions = 0;
  /** Signature → summary of every compaction block issued, to recognise them unchanged when sent back. */
  private issuedCompactions = new Map<string, string>();

  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** Message requests only (POST /v1/messages). */
  get messageRequests(): RecordedRequest[] {
    return this.requests.filter(isMessageRequest);
  }

  async start(): Promise<this> {
    await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await closeServer(this.server);
  }

  /** Queue answers for the coming message requests. */
  reply(...replies: Array<Reply | Responder>): this {
    for (const r of replies) this.queue.push(typeof r === "function" ? r : () => r);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.peakActive = this.active;
  }

  /**
   * Resolves once `count` requests that `which` picks (by default message requests) have arrived;
   * they are recorded before they are answered.
   */
  whenRequests(count: number, which: (r: RecordedRequest) => boolean = isMessageRequest): Promise<RecordedRequest[]> {
    return this.arrivals.when(count, () => this.requests.filter(which));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const settled = new Promise<"finished" | "aborted">((resolve) => res.on("close", () => resolve(res.writableFinished ? "finished" : "aborted")));
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= this.maxBodyBytes) chunks.push(chunk as Buffer);
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const tooLarge = size > this.maxBodyBytes;
    const text = tooLarge ? "" : Buffer.concat(chunks).toString("utf8");
    const recorded: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, headers: req.headers, body: text ? safeParse(text) : undefined, settled };
    this.requests.push(recorded);
    this.arrivals.check();
    const requestId = this.echoKey ? `req_${keyOf(req.headers)}` : `req_standin_${++requestCounter}`;
    res.setHeader("request-id", requestId);
    if (this.acceptedKeys && !this.acceptedKeys.includes(keyOf(req.headers))) {
      return sendError(res, 401, { type: "authentication_error", message: "invalid x-api-key" }, requestId);
    }

    if (req.method === "GET" && url.pathname.startsWith("/v1/models") && this.modelsDelayMs) await this.sleep(this.modelsDelayMs);
    if (res.destroyed) return;
    if (req.method === "GET" && url.pathname === "/v1/models") return this.listModels(res);
    if (req.method === "GET" && url.pathname.startsWith("/v1/models/")) {
      const model = this.models.find((m) => m.id === decodeURIComponent(url.pathname.slice("/v1/models/".length)));
      if (!model) return sendError(res, 404, { type: "not_found_error", message: "model not found" }, requestId);
      return sendJson(res, 200, modelInfo(model));
    }
    if (req.method !== "POST" || url.pathname !== "/v1/messages") {
      return sendError(res, 404, { type: "not_found_error", message: `no route ${req.method} ${url.pathname}` }, requestId);
    }
    if (tooLarge) return sendError(res, 413, { type: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." }, requestId);
    const refused = this.requestProblem(recorded);
    if (refused) return sendError(res, 400, { type: "invalid_request_error", message: refused }, requestId);
    const context = manageContext(recorded.body);
    recorded.context = context;
    // A compaction reads the whole effective prompt, so that has to fit the window.
    const prompt = context.promptTokens;
    if (this.contextLimit && prompt > this.contextLimit) {
      return sendError(res, 400, { type: "invalid_request_error", message: `prompt is too long: ${prompt} tokens > ${this.contextLimit} maximum` }, requestId);
    }
    this.active++;
    this.peakActive = Math.max(this.peakActive, this.active);
    settled.then(() => this.active--);
    if (context.compaction?.pause) {
      // Paused after compaction: the answer is the compaction block alone; the next request goes on.
      const message = withContextManagement(pausedMessage(this.compact(context), recorded.body, context), recorded.body, context);
      if (recorded.body?.stream) return this.stream(res, message, {}, requestId, recorded);
      return sendJson(res, 200, message);
    }
    const responder = this.queue.shift() ?? this.fallback;
    const reply = await responder(recorded);
    if (reply.delayMs && reply.stallAfterEvents === undefined) await this.sleep(reply.delayMs);
    if (res.destroyed) return;
    if (reply.rawBody !== undefined) {
      res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
      res.end(reply.rawBody);
      return;
    }
    if (reply.status && reply.status >= 400) {
      return sendError(res, reply.status, reply.error ?? { type: "api_error", message: "error" }, reply.requestId ?? requestId, reply.headers);
    }
    const compaction = context.compaction && this.compact(context);
    // What the answer is sampled from: the prompt after clearing, or the summary once compacted.
    const seen = { ...recorded.body, messages: compaction ? [{ role: "assistant", content: [compaction] }] : context.messages };
    const seenTokens = compaction ? promptTokens(seen) : prompt;
    let usage = compaction ? { input_tokens: seenTokens, ...reply.usage } : reply.usage;
    if (this.cacheSimulation) {
      // Entries become readable when a response begins, so the cache is consulted after any delay.
      try {
        usage = { ...reply.usage, ...flatUsage(this.cacheSimulation.process(seen)) };
      } catch (err) {
        if (!(err instanceof CacheRuleError)) throw err;
        return sendError(res, 400, { type: "invalid_request_error", message: err.message }, requestId);
      }
    }
    const content = shapeThinking(this.models.find((m) => m.id === recorded.body?.model), reply.content, recorded.body);
    let message = buildMessage({ ...reply, content, usage }, seen);
    if (this.contextLimit) message = windowed(message, seenTokens, this.contextLimit, usage?.input_tokens);
    if (compaction) message = compacted(message, compaction, context);
    message = withContextManagement(message, recorded.body, context);
    if (recorded.body?.stream) return this.stream(res, message, reply, requestId, recorded);
    sendJson(res, 200, message, reply.headers);
  }

  /** Issues the compaction block for a request whose prompt passed the compact edit's trigger. */
  private compact(context: ContextOutcome): CompactionBlock {
    const signature = `sig-compaction-${++this.compactions}`;
    this.issuedCompactions.set(signature, context.compaction!.content);
    return { type: "compaction", content: context.compaction!.content, encrypted_content: null, signature };
  }

  /** Request combinations the real API rejects with a 400, so tests notice when the nodes send them. */
  private requestProblem(recorded: RecordedRequest): string | undefined {
    const body = recorded.body;
    const model = this.models.find((m) => m.id === body?.model);
    if (body?.output_config?.format && model && !model.structured_outputs) return `${model.id} does not support output_config.format`;
    const forced = body?.tool_choice?.type === "tool" || body?.tool_choice?.type === "any";
    if (forced && body?.thinking && body.thinking.type !== "disabled") return "Thinking may not be enabled when tool_choice forces tool use.";
    const toolsProblem = clientToolsProblem(body?.tools);
    if (toolsProblem) return toolsProblem;
    const modelProblem = model && modelRequestProblem(model, body);
    if (modelProblem) return modelProblem;
    const issued = (block: any) => this.issuedCompactions.get(block.signature) === block.content;
    const contextProblem = contextManagementProblem(body, betasOf(recorded.headers), model && (model.contextManagement ?? []), String(body?.model), issued);
    if (contextProblem) return contextProblem;
    return messagesProblem(body?.messages) ?? (this.refuseExtraCacheBreakpoints ? cacheBreakpointProblem(body) : undefined);
  }

  private listModels(res: http.ServerResponse): void {
    const data = this.models.map(modelInfo);
    sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null });
  }

  private async stream(res: http.ServerResponse, message: any, reply: Reply, requestId: string, recorded: RecordedRequest): Promise<void> {
    const events = messageEvents(message, reply.omitMessageDelta);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...reply.headers });
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed) return;
      if (reply.cutAfterEvents === i) {
        res.socket?.destroy();
        return;
      }
      if (reply.errorEventAfter === i) {
        writeEvent(res, "error", { type: "error", error: reply.errorEvent ?? { type: "overloaded_error", message: "Overloaded" }, request_id: requestId });
        res.end();
        return;
      }
      if (reply.stallAfterEvents === i) await this.sleep(reply.delayMs ?? 60_000);
      if (reply.eventGapMs && i > 0) await this.sleep(reply.eventGapMs);
      if (res.destroyed) return;
      // Waiting for each write to reach the socket makes a cut or a stall happen truly mid-stream,
      // after the client has received what came before.
      const isText = events[i][1].delta?.type === "text_delta";
      if (isText) recorded.firstTextAt ??= performance.now();
      await new Promise<void>((resolve) => writeEvent(res, events[i][0], events[i][1], resolve));
    }
    res.end();
  }
}

/** The API's 400s for tool lists: names must be unique, and the memory tool is named "memory". */
function clientToolsProblem(tools: any[] | undefined): string | undefined {
  if (!Array.isArray(tools)) return undefined;
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (tool?.type === "memory_20250818" && tool.name !== "memory") return `tools.${i}.name: Input should be 'memory'`;
    if (names.has(tool?.name)) return "tools: Tool names must be unique.";
    names.add(tool?.name);
  }
  return undefined;
}

/** What the real API says about messages it rejects: empty ones, blank text, results for calls never made. */
function messagesProblem(messages: any[] | undefined): string | undefined {
  if (!Array.isArray(messages) || !messages.length) return "messages: at least one message is required";
  for (const [i, m] of messages.entries()) {
    const blocks = blocksOf(m);
    if (!blocks.length) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    if (blocks.some((b: any) => b.type === "text" && !String(b.text ?? "").trim())) return `messages.${i}: text content blocks must contain non-whitespace text`;
    const previous = messages[i - 1];
    const offered = new Set((Array.isArray(previous?.content) ? previous.content : []).filter((b: any) => b.type === "tool_use").map((b: any) => b.id));
    const orphan = blocks.find((b: any) => b.type === "tool_result" && !offered.has(b.tool_use_id));
    if (orphan) return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${orphan.tool_use_id}`;
  }
  return undefined;
}

/** The API's 400 for more than 4 blocks with cache_control (the automatic top-level one included). */
function cacheBreakpointProblem(body: any): string | undefined {
  try {
    breakpoints(body, promptBlocks(body));
    return undefined;
  } catch (err) {
    if (err instanceof CacheRuleError) return err.message;
    throw err;
  }
}

/** The usage numbers a reply carries (the TTL split of cache writes stays in the simulation). */
function flatUsage({ input_tokens, cache_creation_input_tokens, cache_read_input_tokens }: CacheUsage): Partial<Record<string, number>> {
  return { input_tokens, cache_creation_input_tokens, cache_read_input_tokens };
}

/** The key a request carries: `Authorization: Bearer` (API 2026-10-21) or the older x-api-key header. */
function keyOf(headers: http.IncomingHttpHeaders): string {
  const bearer = /^Bearer (.+)$/.exec(String(headers.authorization ?? ""));
  return bearer ? bearer[1] : String(headers["x-api-key"] ?? "");
}

function safeParse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, status: number, error: { type: string; message: string }, requestId: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { type: "error", error, request_id: requestId }, headers);
}

function writeEvent(res: http.ServerResponse, event: string, data: unknown, written?: () => void): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, () => written?.());
}

function modelInfo(m: ModelEntry): any {
  const flag = (supported: boolean | undefined) => ({ supported: !!supported });
  return {
    id: m.id,
    type: "model",
    display_name: m.display_name ?? m.id,
    created_at: "2026-01-01T00:00:00Z",
    lifecycle: m.lifecycle ?? "active",
    max_tokens: m.max_tokens ?? 64000,
    max_input_tokens: m.max_input_tokens ?? 200000,
    capabilities: {
      batch: flag(true),
      citations: flag(true),
      code_execution: flag(takesServerTool(m, "code_execution")),
      context_management: contextManagementCapability(m.contextManagement),
      effort: { supported: !!m.effort, ...Object.fromEntries(Object.entries(effortLevels(m)).map(([level, ok]) => [level, ok === null ? null : flag(ok)])) },
      image_input: flag(true),
      pdf_input: flag(true),
      server_tools: { supported: true, code_execution: flag(takesServerTool(m, "code_execution")), web_search: flag(takesServerTool(m, "web_search")) },
      structured_outputs: flag(m.structured_outputs),
      thinking: {
        supported: !!(m.adaptive || m.enabledThinking),
        types: { adaptive: flag(m.adaptive), enabled: flag(m.enabledThinking), disabled: flag(m.disabledThinking !== false), between_tools: flag(false) },
      },
    },
  };
}

/** The text of the last user message's text blocks, for echo-style default answers. */
export function lastUserText(body: any): string {
  const messages: any[] = body?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role !== "user") continue;
    const content = messages[i].content;
    if (typeof content === "string") return content;
    return content.filter((b: any) => b.type === "text").map((b: any) => b.text).join(" ");
  }
  return "";
}

/** The tool_result blocks of a request's last message, which must be the user's. */
export function toolResults(body: any): any[] {
  const last = body?.messages?.[body.messages.length - 1];
  if (last?.role !== "user") throw new Error(`the last message is not the user's: ${JSON.stringify(last)}`);
  return last.content.filter((b: any) => b.type === "tool_result");
}

/** The answer as a context window of `limit` lets it out: cut, with the API's stop reason, when it does not fit. */
function windowed(message: any, prompt: number, limit: number, scriptedInput?: number): any {
  const usage = { ...message.usage, input_tokens: scriptedInput ?? prompt };
  const room = limit - prompt;
  if (message.usage.output_tokens <= room) return { ...message, usage };
  const text = answerTextOf(message.content).slice(0, Math.max(1, room * 4));
  return { ...message, content: [{ type: "text", text: text || "…" }], stop_reason: "model_context_window_exceeded", usage: { ...usage, output_tokens: Math.max(1, room) } };
}

function answerTextOf(content: any[]): string {
  return content.filter((b) => b.type === "text").map((b) => b.text).join("");
}

interface CompactionBlock {
  type: "compaction";
  content: string;
  encrypted_content: null;
  signature: string;
}

function iteration(type: "compaction" | "message", usage: any, model?: string): any {
  const { input_tokens = 0, output_tokens = 0, cache_creation_input_tokens = 0, cache_read_input_tokens = 0 } = usage;
  return { type, input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cache_creation: null, ...(type === "message" ? { model: model ?? null } : {}) };
}

function compactionIteration(block: CompactionBlock, context: ContextOutcome): any {
  return iteration("compaction", { input_tokens: context.compaction!.inputTokens, output_tokens: Math.max(1, Math.ceil(block.content.length / 4)) });
}

/** The answer of a compacting request: the compaction block first; its tokens only in `iterations`. */
function compacted(message: any, block: CompactionBlock, context: ContextOutcome): any {
  const iterations = [compactionIteration(block, context), iteration("message", message.usage, message.model)];
  return { ...message, content: [block, ...message.content], usage: { ...message.usage, iterations } };
}

/** The answer with `pause_after_compaction`: the compaction block alone, nothing sampled after it. */
function pausedMessage(block: CompactionBlock, body: any, context: ContextOutcome): any {
  const message = buildMessage({ content: [block], stop_reason: "compaction", usage: { input_tokens: 0, output_tokens: 0 } }, body);
  return { ...message, usage: { ...message.usage, iterations: [compactionIteration(block, context)] } };
}

/** A request with `context_management` gets the edits that were applied in its answer. */
function withContextManagement(message: any, body: any, context: ContextOutcome): any {
  if (!body?.context_management) return message;
  return { ...message, context_management: { applied_edits: context.appliedEdits } };
}

let messageCounter = 0;

function buildMessage(reply: Reply, body: any): any {
  const content = reply.content ?? [{ type: "text", text: "" }];
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(content).length / 4));
  const inputTokens = Math.max(1, Math.ceil(JSON.stringify(body?.messages ?? []).length / 4));
  return {
    id: `msg_standin_${++messageCounter}`,
    type: "message",
    role: "assistant",
    model: reply.model ?? body?.model ?? "claude-haiku-4-5",
    content,
    stop_reason: reply.stop_reason ?? (content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn"),
    stop_sequence: null,
    stop_details: reply.stop_details ?? null,
    container: reply.container ? { skills: null, ...reply.container } : null,
    usage: {
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...reply.usage,
    },
  };
}

/** The SSE events the API sends for a message: text and JSON arrive as deltas, server tool results whole. */
function messageEvents(message: any, omitMessageDelta = false): Array<[string, any]> {
  const { content, stop_reason, stop_sequence, stop_details, usage, container, context_management } = message;
  const events: Array<[string, any]> = [];
  // Iterations and applied edits are known once the answer is done: they come with message_delta.
  const { iterations, ...startUsage } = usage;
  const start = { ...message, content: [], stop_reason: null, container: null, usage: { ...startUsage, output_tokens: 1 }, ...(context_management ? { context_management: null } : {}) };
  events.push(["message_start", { type: "message_start", message: start }]);
  events.push(["ping", { type: "ping" }]);
  content.forEach((block: any, index: number) => {
    if (block.type === "text") {
      const { text, ...rest } = block;
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { ...rest, text: "", ...(rest.citations ? { citations: [] } : {}) } }]);
      for (const piece of splitText(text)) events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } }]);
      for (const citation of block.citations ?? []) events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "citations_delta", citation } }]);
    } else if (block.type === "thinking") {
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } }]);
      if (block.thinking) events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: block.thinking } }]);
      events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature } }]);
    } else if (block.type === "compaction") {
      // The summary arrives whole in one delta, after a start without it.
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "compaction", content: null, encrypted_content: null, signature: block.signature } }]);
      events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "compaction_delta", content: block.content, encrypted_content: block.encrypted_content } }]);
    } else if (block.type === "tool_use" || block.type === "server_tool_use") {
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { ...block, input: {} } }]);
      const json = JSON.stringify(block.input ?? {});
      const half = Math.floor(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: part } }]);
    } else {
      events.push(["content_block_start", { type: "content_block_start", index, content_block: block }]);
    }
    events.push(["content_block_stop", { type: "content_block_stop", index }]);
  });
  if (!omitMessageDelta) {
    events.push(["message_delta", { type: "message_delta", delta: { stop_reason, stop_sequence, stop_details, container }, usage, ...(context_management ? { context_management } : {}) }]);
  }
  events.push(["message_stop", { type: "message_stop" }]);
  return events;
}

function splitText(text: string): string[] {
  if (!text) return [];
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 16) pieces.push(text.slice(i, i + 16));
  return pieces;
}
