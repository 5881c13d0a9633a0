// A chat flow in a real Node-RED process: HTTP in → conversation → HTTP response, with a Catch node
// answering errors and debug nodes writing every message to the sidebar and the log.
import WebSocket from "ws";
import { flowStarts, type NodeRedProcess } from "./node-red-process";

export const CHAT_TAB = "chat-tab";
export const CHAT_NODE = "chat-node";

export function processChatFlow(
  apiUrl: string,
  options: { apiKey?: string; store?: string; instructions?: string; account?: Record<string, unknown>; credentials?: Record<string, string> } = {},
): any[] {
  return [
    { id: CHAT_TAB, type: "tab", label: "chat" },
    {
      id: "chat-account",
      type: "claude-config",
      name: "account",
      baseUrl: apiUrl,
      model: "claude-haiku-4-5",
      maxTokens: 3000,
      retries: 0,
      ...options.account,
      ...(options.apiKey ? { credentials: { apiKey: options.apiKey, ...options.credentials } } : {}),
    },
    { id: "chat-in", type: "http in", z: CHAT_TAB, url: "/chat", method: "post", wires: [[CHAT_NODE]] },
    {
      id: CHAT_NODE,
      type: "claude-conversation",
      z: CHAT_TAB,
      config: "chat-account",
      input: "payload.text",
      inputType: "msg",
      conversationId: "payload.id",
      conversationIdType: "msg",
      store: options.store ?? "",
      instructions: options.instructions ?? "",
      wires: [["chat-out", "chat-debug"]],
    },
    { id: "chat-out", type: "http response", z: CHAT_TAB, statusCode: "", headers: {}, wires: [] },
    { id: "chat-catch", type: "catch", z: CHAT_TAB, scope: null, uncaught: false, wires: [["chat-error", "chat-debug"]] },
    {
      id: "chat-error",
      type: "change",
      z: CHAT_TAB,
      rules: [
        { t: "set", p: "statusCode", pt: "msg", to: "500", tot: "num" },
        { t: "set", p: "payload", pt: "msg", to: "error", tot: "msg" },
      ],
      wires: [["chat-out"]],
    },
    { id: "chat-debug", type: "debug", z: CHAT_TAB, active: true, tosidebar: true, console: true, tostatus: true, complete: "true", targetType: "full", statusVal: "payload", statusType: "auto", wires: [] },
  ];
}

const started = (nr: NodeRedProcess) => flowStarts(nr.output());

/** Waits until Node-RED has logged "Started flows" more than `count` times. */
export async function flowsStarted(nr: NodeRedProcess, count = 0, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (started(nr) <= count) {
    if (Date.now() > deadline) throw new Error(`flows did not start:\n${nr.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Replaces the running flows through the admin API, as the editor's Deploy button does (as the user of `token`), and waits until they run. */
export async function deploy(nr: NodeRedProcess, flows: unknown[], token?: string): Promise<void> {
  const before = started(nr);
  const res = await fetch(`${nr.url}/flows`, {
    method: "POST",
    headers: { "content-type": "application/json", "node-red-deployment-type": "full", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(flows),
  });
  if (!res.ok) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
  await flowsStarted(nr, before);
}

/** One turn through the flow's HTTP endpoint: the answer (status 200) or msg.error (status 500). */
export async function chat(nr: NodeRedProcess, text: unknown, id?: string): Promise<{ status: number; body: any; raw: string }> {
  const res = await fetch(`${nr.url}/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text, id }) });
  const raw = await res.text();
  let body: any = raw;
  try {
    body = JSON.parse(raw);
  } catch {
    /* the reply text itself */
  }
  return { status: res.status, body, raw };
}

/** Everything the editor would receive over /comms: debug sidebar, node status, notifications. */
export async function recordComms(nr: NodeRedProcess): Promise<{ messages: any[]; close(): void }> {
  const ws = new WebSocket(`${nr.url.replace(/^http/, "ws")}/comms`);
  const messages: any[] = [];
  ws.on("message", (data) => {
    const parsed = JSON.parse(String(data));
    messages.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  for (const topic of ["debug", "status/#", "notification/#"]) ws.send(JSON.stringify({ subscribe: topic }));
  return { messages, close: () => ws.close() };
}
