// Messages without a conversation id continue one conversation per node, which suits one person
// (inject → conversation → debug). A flow serving several people must give each their own id; this
// notices when messages without one come from different people. No Node-RED here.

/**
 * Who a message comes from, where a flow says so: a Dashboard 2 browser (msg._client) or a chat
 * (a Telegram chat id in msg.payload.chatId, msg.chatId or msg.originalMessage.chat.id).
 */
export function sourceOf(msg: Record<string, any>): string | undefined {
  const client = msg._client;
  if (client && typeof client === "object") {
    const id = client.socketId ?? client.user?.userId ?? client.user?.id;
    if (id !== undefined && id !== null && id !== "") return `client:${id}`;
  }
  const payload = msg.payload && typeof msg.payload === "object" ? msg.payload : undefined;
  const chat = payload?.chatId ?? msg.chatId ?? msg.originalMessage?.chat?.id;
  if (chat !== undefined && chat !== null && chat !== "") return `chat:${chat}`;
  return undefined;
}

/** Remembers the first source seen without an id; true once, for the first message from another one. */
export class SharedConversationWatch {
  private first?: string;
  private warned = false;

  mixed(msg: Record<string, any>): boolean {
    if (this.warned) return false;
    const source = sourceOf(msg);
    if (source === undefined) return false;
    this.first ??= source;
    if (source === this.first) return false;
    this.warned = true;
    return true;
  }
}
