// One MCP server's session, kept for as long as its config node lives: connected on first use,
// reused by every turn, dropped after a failure and opened again on the next use. The tool list is
// fetched once and again only when asked (a deploy) or when the server says it changed; never per
// turn. A stdio server that keeps exiting is started again only a few times, then reported.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, McpError, type CallToolResult, type Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import { DeadlineError, StoppedError, withDeadline } from "./deadline";

export type { McpTool };

export type McpEndpoint =
  | { kind: "http"; url: string; headers: Record<string, string> }
  | { kind: "stdio"; command: string; args: string[]; env?: Record<string, string>; cwd?: string };

export interface SessionOptions {
  endpoint: McpEndpoint;
  /** Limit for connecting and for each request, in milliseconds. */
  timeoutMs: number;
  /** A prompt whose text is added to the server's instructions (Home Assistant's "Assist"). */
  prompt?: string;
  /** Most starts of a stdio server within RESTART_WINDOW_MS after it exited on its own. */
  maxRestarts?: number;
  /** Told when the server's tool list changed (after its notification, or a refresh). */
  onToolsChanged?: () => void;
  clientVersion?: string;
}

/** The server exited too often; nothing more is tried until the node is deployed again. */
export class GaveUpError extends Error {
  constructor(readonly exits: number) {
    super(`server exited ${exits} times`);
  }
}

export const DEFAULT_MAX_RESTARTS = 3;
/** How much of a stdio server's stderr is kept, for the warning when it fails: the end says why it stopped. */
const STDERR_TAIL_CHARS = 600;
/** Exits further back than this no longer count: a server that ran for a while deserves a new start. */
const RESTART_WINDOW_MS = 10 * 60_000;

interface Live {
  client: Client;
  transport: Transport;
  /** A stdio server's stderr has ended (it exited): what it wrote last is in then. */
  outputEnded?: Promise<void>;
}

/** How long a failed call waits for an exited server's last output. */
const OUTPUT_SETTLE_MS = 1000;

export class McpSession {
  private live?: Live;
  private connecting?: Promise<Live>;
  private toolList?: McpTool[];
  private listing?: Promise<McpTool[]>;
  private promptText?: string;
  private serverInstructions?: string;
  private exits: number[] = [];
  private stderrTail = "";
  private gaveUp?: GaveUpError;
  private readonly lifetime = new AbortController();
  /** Connections opened so far (the first one and every reconnection). */
  connections = 0;

  constructor(private readonly options: SessionOptions) {}

  get closed(): boolean {
    return this.lifetime.signal.aborted;
  }

  /** The end of what a stdio server wrote to stderr (its last lines, on one line); none for other servers. */
  get lastOutput(): string | undefined {
    const lines = this.stderrTail.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return lines.length ? lines.slice(-3).join(" / ") : undefined;
  }

  /** The server's instructions and the chosen prompt's text, as of the last tool list. */
  instructions(): string | undefined {
    const parts = [this.serverInstructions, this.promptText].filter((p): p is string => !!p && !!p.trim());
    return parts.length ? parts.join("\n\n") : undefined;
  }

  /** The server's tools: the kept list, or fetched when there is none yet. */
  async tools(signal?: AbortSignal): Promise<McpTool[]> {
    if (this.toolList) return this.toolList;
    this.listing ??= this.fetchTools().finally(() => (this.listing = undefined));
    return race(this.listing, signal);
  }

  /** Forgets the kept list, so the next turn fetches it (a deploy, or the server's notice). */
  refresh(): void {
    this.toolList = undefined;
  }

  async call(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult> {
    const live = await race(this.connect(), signal);
    const { client } = live;
    try {
      return (await this.request((options) => client.callTool({ name, arguments: args }, undefined, options), signal)) as CallToolResult;
    } catch (err) {
      // A timeout or an answer from the server leaves the session usable; a broken connection does not.
      if (!(err instanceof DeadlineError) && !(err instanceof StoppedError) && !isProtocolAnswer(err)) {
        this.drop(client);
        // Its stdout can close before the last of its stderr is read: wait a moment for the reason it stopped.
        if (live.outputEnded) await Promise.race([live.outputEnded, new Promise((resolve) => setTimeout(resolve, OUTPUT_SETTLE_MS).unref())]);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.lifetime.abort();
    const live = this.live;
    this.live = undefined;
    this.toolList = undefined;
    // A connection being opened now closes itself when it sees the session closed.
    await this.connecting?.catch(() => undefined);
    await live?.client.close().catch(() => undefined);
  }

  /**
   * One request to the server under the session's time limit, stopped by the caller's signal or the
   * session's end. The SDK's own timeout is set a little later, so the deadline is what fires.
   */
  private request<T>(run: (options: RequestOptions) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const { timeoutMs } = this.options;
    return withDeadline((s) => run({ signal: s, timeout: timeoutMs + 1000 }), timeoutMs, signal, this.lifetime.signal);
  }

  private async fetchTools(): Promise<McpTool[]> {
    const { client } = await this.connect();
    try {
      const tools: McpTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.request((options) => client.listTools(cursor ? { cursor } : undefined, options));
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      // The prompt goes with the list: Home Assistant's names the exposed entities, which change with it.
      const prompt = await this.readPrompt(client);
      if (!this.closed) {
        this.toolList = tools;
        this.promptText = prompt;
      }
      return tools;
    } catch (err) {
      if (!isProtocolAnswer(err)) this.drop(client);
      throw err;
    }
  }

  private connect(): Promise<Live> {
    if (this.closed) return Promise.reject(new StoppedError());
    if (this.gaveUp) return Promise.reject(this.gaveUp);
    if (this.live) return Promise.resolve(this.live);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Live> {
    const { endpoint } = this.options;
    if (endpoint.kind === "stdio") {
      this.exits = this.exits.filter((at) => Date.now() - at < RESTART_WINDOW_MS);
      if (this.exits.length > (this.options.maxRestarts ?? DEFAULT_MAX_RESTARTS)) throw (this.gaveUp = new GaveUpError(this.exits.length));
      const transport = new StdioClientTransport({ command: endpoint.command, args: endpoint.args, env: endpoint.env, cwd: endpoint.cwd, stderr: "pipe" });
      const stderr = transport.stderr;
      // Read as it comes (a full pipe would stall the server), keeping only the end.
      stderr?.on("data", (chunk: Buffer | string) => (this.stderrTail = (this.stderrTail + String(chunk)).slice(-STDERR_TAIL_CHARS)));
      const outputEnded = stderr ? new Promise<void>((resolve) => (stderr.once("end", resolve), stderr.once("close", resolve))) : undefined;
      return this.start(transport, outputEnded);
    }
    const url = new URL(endpoint.url);
    const requestInit = { headers: endpoint.headers };
    try {
      return await this.start(new StreamableHTTPClientTransport(url, { requestInit }));
    } catch (err) {
      // Servers from before Streamable HTTP answer its POST with 404 or 405: they speak SSE.
      if (err instanceof StreamableHTTPError && (err.code === 404 || err.code === 405) && !this.closed) {
        return this.start(new SSEClientTransport(url, { requestInit }));
      }
      throw err;
    }
  }

  private async start(transport: Transport, outputEnded?: Promise<void>): Promise<Live> {
    const client = new Client(
      { name: "node-red-contrib-claude", version: this.options.clientVersion ?? "0" },
      { listChanged: { tools: { autoRefresh: false, debounceMs: 0, onChanged: () => this.toolsChanged() } } },
    );
    const live: Live = { client, transport, ...(outputEnded ? { outputEnded } : {}) };
    this.connections++;
    try {
      await this.request((options) => client.connect(transport, options));
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.close().catch(() => undefined);
      throw new StoppedError();
    }
    this.serverInstructions = client.getInstructions();
    // Set after connecting, so the SDK's own handler (which the Client chains) is kept.
    const sdkOnClose = transport.onclose;
    transport.onclose = () => {
      sdkOnClose?.();
      if (this.live === live) {
        this.live = undefined;
        if (this.options.endpoint.kind === "stdio" && !this.closed) this.exits.push(Date.now());
      }
    };
    this.live = live;
    return live;
  }

  /** The text of the chosen prompt; a server without it simply has none. */
  private async readPrompt(client: Client): Promise<string | undefined> {
    const name = this.options.prompt;
    if (!name || !client.getServerCapabilities()?.prompts) return undefined;
    try {
      const prompt = await this.request((options) => client.getPrompt({ name }, options));
      return prompt.messages.map((m) => (m.content.type === "text" ? m.content.text : "")).filter(Boolean).join("\n\n") || undefined;
    } catch (err) {
      if (isProtocolAnswer(err)) return undefined;
      throw err;
    }
  }

  private toolsChanged(): void {
    this.refresh();
    this.options.onToolsChanged?.();
  }

  /** Ends a connection that failed; the next use opens a new one. */
  private drop(client: Client): void {
    if (this.live?.client !== client) return;
    const live = this.live;
    this.live = undefined;
    if (this.options.endpoint.kind === "stdio") this.exits.push(Date.now());
    live.client.close().catch(() => undefined);
  }
}

/** An error the server sent as its answer (JSON-RPC), as opposed to a connection that failed. */
export function isProtocolAnswer(err: unknown): boolean {
  return err instanceof McpError && err.code !== ErrorCode.ConnectionClosed && err.code !== ErrorCode.RequestTimeout;
}

function race<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new StoppedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StoppedError());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
