// A conversation flow in node-red-node-test-helper (account → conversation → helper) and the small
// steps tests take with it.
import type { AnthropicStandIn } from "../standins/anthropic-standin";
import { ALL_NODES, KEY, account, helper, nextMessage } from "./nodes";

export interface ChatNodes {
  chat: any;
  out: any;
}

export function chatFlow(url: string, conversation: Record<string, unknown> = {}, accountExtra: Record<string, unknown> = {}): any[] {
  return [
    { id: "tab", type: "tab", label: "test" },
    account(url, accountExtra),
    { id: "chat", type: "claude-conversation", z: "tab", config: "account", wires: [["out"]], ...conversation },
    { id: "out", type: "helper", z: "tab" },
  ];
}

/** A chat with one plain tool node (`tool`) whose calls reach the helper `calls`, and a tool result node `result`. */
export function chatWithToolFlow(url: string, tool: Record<string, unknown>, conversation: Record<string, unknown> = {}, accountExtra: Record<string, unknown> = {}): any[] {
  return [
    ...chatFlow(url, conversation, accountExtra),
    { id: "tool", type: "claude-tool", z: "tab", mode: "plain", timeout: 30, ...tool, wires: [["calls"]] },
    { id: "calls", type: "helper", z: "tab" },
    { id: "result", type: "claude-tool-result", z: "tab" },
  ];
}

export async function loadChat(api: AnthropicStandIn, conversation: Record<string, unknown> = {}, accountExtra: Record<string, unknown> = {}): Promise<ChatNodes> {
  await helper.load(ALL_NODES, chatFlow(api.url, conversation, accountExtra), { account: { apiKey: KEY } });
  return { chat: helper.getNode("chat"), out: helper.getNode("out") };
}

/** Sends one message and waits for the answer. */
export async function say(nodes: ChatNodes, msg: Record<string, unknown>): Promise<any> {
  const answer = nextMessage(nodes.out);
  nodes.chat.receive(msg);
  return answer;
}

/** The text of each user message of a request body (tool results count as empty text). */
export function userTexts(body: any): string[] {
  return body.messages.filter((m: any) => m.role === "user").map((m: any) => (typeof m.content === "string" ? m.content : m.content.map((b: any) => b.text ?? "").join("")));
}

