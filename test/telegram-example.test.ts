// The Telegram chatbot example, run as shipped with its core nodes and the conversation node against
// the stand-in Anthropic server. Only the Telegram nodes are left out (they need Telegram's servers):
// a message in the receiver's format goes into the flow, and what reaches the sender is checked
// against the sender's message format (msg.payload = { chatId, type, content }).
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { ALL_NODES, KEY, collect, helper, useStandIn } from "./support/nodes";
import { REPO_ROOT } from "./support/paths";

const CORE = ["common/25-catch", "function/10-switch", "function/15-change", "function/89-trigger"].map((file) =>
  require(require.resolve(`@node-red/nodes/core/${file}.js`, { paths: [REPO_ROOT] })),
);
const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "telegram-chatbot.json"), "utf8")) as any[];

/** The example with the Telegram sender (and the debug node) replaced by helper nodes that record what arrives. */
function flow(apiUrl: string): any[] {
  return example
    .filter((n) => n.type !== "telegram receiver" && n.type !== "telegram bot" && n.type !== "comment")
    .map((n) => {
      if (n.type === "telegram sender" || n.type === "debug") return { id: n.id, type: "helper", z: n.z };
      if (n.type === "claude-config") return { ...n, baseUrl: apiUrl, retries: 0 };
      return n;
    });
}

const node = (type: string) => example.find((n) => n.type === type);
/** What the Telegram receiver sends for a text message (node-red-contrib-telegrambot's converter). */
const fromTelegram = (chatId: number, text: string) => ({ payload: { chatId, messageId: 7, type: "message", content: text, date: 1_790_000_000 } });

/** Resolves once the repeated "typing" has stopped for every chat (the trigger node holds no topic). */
async function typingStopped(): Promise<void> {
  const trigger = helper.getNode(node("trigger").id) as any;
  for (let waited = 0; Object.keys(trigger.topics).length; waited += 10) {
    if (waited > 5000) assert.fail(`still typing in: ${Object.keys(trigger.topics).join(", ")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("example: Telegram chatbot", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(async () => {
    api = standIn();
    await helper.load([...ALL_NODES, ...CORE], flow(api.url), { [node("claude-config").id]: { apiKey: KEY } });
  });

  function entry() {
    return helper.getNode(example.find((n) => n.type === "telegram receiver").wires[0][0]);
  }

  it("shows typing, then answers in the same chat, with the chat id as conversation id", async () => {
    const sent = collect(helper.getNode(node("telegram sender").id), 2);
    api.reply({ content: [{ type: "text", text: "Hello from Claude" }] });
    entry().receive(fromTelegram(4711, "Hi Claude"));
    const [typing, answer] = await sent;
    assert.deepStrictEqual(typing.payload, { chatId: 4711, type: "action", content: "typing" });
    assert.deepStrictEqual(answer.payload, { chatId: 4711, type: "message", content: "Hello from Claude" });
    assert.strictEqual(answer.conversation_id, "telegram_4711");
    const request = api.messageRequests[0].body;
    assert.deepStrictEqual(request.messages, [{ role: "user", content: "Hi Claude" }]);
    assert.match(JSON.stringify(request.system), /Telegram/);
    // The answer stops the repeated "typing" for this chat.
    await typingStopped();
  });

  it("keeps each chat its own conversation", async () => {
    const sent = collect(helper.getNode(node("telegram sender").id), 4);
    api.reply({ content: [{ type: "text", text: "One" }] }, { content: [{ type: "text", text: "Two" }] });
    entry().receive(fromTelegram(1, "I am chat one"));
    await new Promise((r) => setImmediate(r));
    entry().receive(fromTelegram(2, "I am chat two"));
    const answers = (await sent).filter((m) => m.payload.type === "message");
    assert.deepStrictEqual(answers.map((m) => m.conversation_id).sort(), ["telegram_1", "telegram_2"]);
    for (const request of api.messageRequests) assert.strictEqual(request.body.messages.length, 1, "no other chat's history");
  });

  it("apologises in the chat when Claude fails, and stops typing", async () => {
    const sent = collect(helper.getNode(node("telegram sender").id), 2);
    const reason = collect(helper.getNode(node("debug").id), 1);
    api.reply({ status: 401, error: { type: "authentication_error", message: "invalid x-api-key" } });
    entry().receive(fromTelegram(99, "Hello?"));
    const [typing, apology] = await sent;
    assert.strictEqual(typing.payload.type, "action");
    assert.strictEqual(apology.payload.chatId, 99);
    assert.strictEqual(apology.payload.type, "message");
    assert.match(apology.payload.content, /Sorry/);
    assert.ok(!JSON.stringify(apology).includes(KEY));
    assert.match((await reason)[0].error.message, /key was refused/);
    await typingStopped();
  });
});
