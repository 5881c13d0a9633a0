// A stand-in for Telegram's Bot API on loopback, speaking its wire format: POST <base>/bot<token>/<method>
// with form or JSON parameters, answers {ok, result} or {ok: false, error_code, description}, and updates
// handed out by getUpdates long polling with offsets. It knows the methods the Telegram example uses
// through node-red-contrib-telegrambot (node-telegram-bot-api); any other method is 404 as on Telegram.
// Tests queue what users write and read what the bot sent; every call is recorded.
import * as http from "http";
import type { AddressInfo } from "net";
import { Arrivals, closeServer, listenOnLoopback } from "./loopback";

export interface BotApiCall {
  method: string;
  /** The parameters as Telegram reads them (form fields arrive as text). */
  params: Record<string, any>;
}

export interface TelegramUser {
  id: number;
  first_name: string;
  username?: string;
}

interface PendingPoll {
  offset: number;
  answer: (updates: any[]) => void;
}

export class TelegramStandIn {
  readonly calls: BotApiCall[] = [];
  readonly bot = { id: 7000000001, is_bot: true, first_name: "Claude", username: "my_claude_bot" };
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly updates: any[] = [];
  private readonly polls = new Set<PendingPoll>();
  private readonly arrivals = new Arrivals();
  private nextUpdateId = 100;
  private nextMessageId = 1;

  /**
   * @param token the bot token; requests with another token get 401 as on Telegram.
   * @param maxHoldMs how long a getUpdates call is held at most, however long its `timeout` asks for:
   *   Telegram may answer a long poll early, and the bot node waits for the poll in flight when it closes.
   */
  constructor(readonly token: string, private readonly maxHoldMs = 200) {}

  /** The base API URL for the bot config node (its `baseapiurl`). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    for (const poll of this.polls) poll.answer([]);
    await closeServer(this.server);
  }

  /** A user writes a text message in a private chat; the next getUpdates delivers it. */
  userWrites(chatId: number, text: string, from: TelegramUser = { id: chatId, first_name: `User ${chatId}`, username: `user${chatId}` }): void {
    const message = { message_id: this.nextMessageId++, from: { ...from, is_bot: false }, chat: { id: chatId, type: "private", first_name: from.first_name, username: from.username }, date: Math.floor(Date.now() / 1000), text };
    this.updates.push({ update_id: this.nextUpdateId++, message });
    for (const poll of [...this.polls]) {
      const ready = this.pending(poll.offset);
      if (ready.length) poll.answer(ready);
    }
  }

  /** Calls of one Bot API method, in the order they arrived. */
  callsOf(method: string): BotApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `count` calls of `method` have arrived. */
  whenCalls(method: string, count: number): Promise<BotApiCall[]> {
    return this.arrivals.when(count, () => this.callsOf(method));
  }

  /** getUpdates calls being held open right now. */
  get heldPolls(): number {
    return this.polls.size;
  }

  private pending(offset: number): any[] {
    return this.updates.filter((u) => u.update_id >= offset);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    if (!match) return answer(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    const [, token, method] = match;
    if (token !== this.token) return answer(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    let params: Record<string, any>;
    try {
      params = parseParams(req.headers["content-type"], Buffer.concat(chunks).toString("utf8"));
    } catch {
      return answer(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
    }
    this.calls.push({ method, params });
    this.arrivals.check();

    switch (method) {
      case "getMe":
        return answer(res, 200, { ok: true, result: this.bot });
      case "deleteWebhook":
      case "setWebhook":
        return answer(res, 200, { ok: true, result: true, description: "Webhook is already deleted" });
      case "getUpdates":
        return this.getUpdates(params, res);
      case "sendMessage":
        if (!params.chat_id || !params.text) return answer(res, 400, { ok: false, error_code: 400, description: "Bad Request: message text is empty" });
        return answer(res, 200, { ok: true, result: { message_id: this.nextMessageId++, from: this.bot, chat: { id: Number(params.chat_id), type: "private" }, date: Math.floor(Date.now() / 1000), text: String(params.text) } });
      case "sendChatAction":
        if (!params.chat_id || !params.action) return answer(res, 400, { ok: false, error_code: 400, description: "Bad Request: wrong parameter action in request" });
        return answer(res, 200, { ok: true, result: true });
      default:
        return answer(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    }
  }

  /** Long polling: updates from `offset` on (which also confirms the earlier ones), or [] after the hold. */
  private getUpdates(params: Record<string, any>, res: http.ServerResponse): void {
    const offset = Number(params.offset) || 0;
    if (offset > 0) this.updates.splice(0, this.updates.length, ...this.pending(offset));
    const ready = this.pending(offset);
    const holdMs = Math.min(Number(params.timeout) * 1000 || 0, this.maxHoldMs);
    if (ready.length || holdMs <= 0) return answer(res, 200, { ok: true, result: ready });
    const poll: PendingPoll = {
      offset,
      answer: (updates) => {
        clearTimeout(timer);
        this.polls.delete(poll);
        answer(res, 200, { ok: true, result: updates });
      },
    };
    const timer = setTimeout(() => poll.answer([]), holdMs);
    this.polls.add(poll);
    res.on("close", () => {
      clearTimeout(timer);
      this.polls.delete(poll);
    });
  }
}

function parseParams(contentType: string | undefined, body: string): Record<string, any> {
  if (!body) return {};
  if (contentType?.startsWith("application/json")) return JSON.parse(body);
  return Object.fromEntries(new URLSearchParams(body));
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
