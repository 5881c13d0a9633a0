// The Telegram chatbot example, run as shipped: the real node-red-contrib-telegrambot nodes (bot config,
// receiver, sender) poll a stand-in Telegram Bot API on loopback, the core nodes route, and the
// conversation node talks to the stand-in Anthropic server. Only the two base URLs and the credentials
// are set, as a user would set them.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { TelegramStandIn } from "./standins/telegram-standin";
import { ALL_NODES, KEY, collect, helper, useStandIn } from "./support/nodes";
import { REPO_ROOT } from "./support/paths";

const fromRepo = (module: string) => require(require.resolve(module, { paths: [REPO_ROOT] }));
const CORE = ["common/21-debug", "common/25-catch", "common/90-comment", "function/10-switch", "function/15-change", "function/89-trigger"].map((file) =>
  fromRepo(`@node-red/nodes/core/${file}.js`),
);
const TELEGRAM = fromRepo("node-red-contrib-telegrambot/telegrambot/99-telegrambot.js");
const TOKEN = "123456789:AAE-secret-bot-token";
const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "telegram-chatbot.json"), "utf8")) as any[];
const node = (type: string) => example.find((n) => n.type === type);

/** The example with the account and the bot pointed at the stand-ins; `bot` adds bot settings a user may set. */
function flow(apiUrl: string, botUrl: string, bot: Record<string, unknown> = {}): any[] {
  return example.map((n) => {
    if (n.type === "claude-config") return { ...n, baseUrl: apiUrl, retries: 0 };
    if (n.type === "telegram bot") return { ...n, baseapiurl: botUrl, ...bot };
    return n;
  });
}

/** Resolves once the repeated "typing" has stopped for every chat (the trigger node holds no topic). */
async function typingStopped(): Promise<void> {
  const trigger = helper.getNode(node("trigger").id) as any;
  for (let waited = 0; Object.keys(trigger.topics).length; waited += 10) {
    if (waited > 5000) assert.fail(`still typing in: ${Object.keys(trigger.topics).join(", ")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const text = (answer: string) => ({ content: [{ type: "text", text: answer }] });

describe("example: Telegram chatbot with the real Telegram nodes", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  let telegram: TelegramStandIn;

  async function load(bot: Record<string, unknown> = {}): Promise<void> {
    api = standIn();
    telegram = await new TelegramStandIn(TOKEN).start();
    const credentials = { [node("claude-config").id]: { apiKey: KEY }, [node("telegram bot").id]: { token: TOKEN } };
    await helper.load([...ALL_NODES, ...CORE, TELEGRAM], flow(api.url, telegram.url, bot), credentials);
  }

  afterEach(async () => {
    await telegram?.stop();
  });

  it("polls the Bot API, shows typing, then answers in the same chat, with the chat id as conversation id", async () => {
    await load();
    const sent = collect(helper.getNode(node("telegram sender").id), 2);
    api.reply(text("Hello from Claude"));
    telegram.userWrites(4711, "Hi Claude");
    const [message] = await telegram.whenCalls("sendMessage", 1);
    assert.deepStrictEqual(message.params, { chat_id: "4711", text: "Hello from Claude" });
    assert.deepStrictEqual(
      telegram.callsOf("sendChatAction").map((c) => c.params),
      [{ chat_id: "4711", action: "typing" }],
    );
    assert.ok(telegram.calls.indexOf(telegram.callsOf("sendChatAction")[0]) < telegram.calls.indexOf(message), "typing comes before the answer");
    // The update was confirmed: the next poll asks from the following update id on.
    await telegram.whenCalls("getUpdates", telegram.callsOf("getUpdates").length + 1);
    assert.ok(Number(telegram.callsOf("getUpdates").at(-1)!.params.offset) > 100);

    const [, answer] = await sent;
    assert.strictEqual(answer.conversation_id, "telegram_4711");
    const request = api.messageRequests[0].body;
    assert.deepStrictEqual(request.messages, [{ role: "user", content: "Hi Claude" }]);
    assert.match(JSON.stringify(request.system), /Telegram/);
    assert.strictEqual(api.messageRequests.length, 1, "one message, one request");
    // The answer stops the repeated "typing" for this chat.
    await typingStopped();
    assert.ok(!JSON.stringify(telegram.calls).includes(KEY), "the Claude key never goes to Telegram");
  });

  it("keeps each chat its own conversation", async () => {
    await load();
    const lastQuestion = (body: any) => body.messages.at(-1).content as string;
    const answers: Record<string, string> = { "I am chat one": "One", "I am chat two": "Two", "Who am I?": "Chat one" };
    api.reply(...Object.keys(answers).map(() => (r: any) => text(answers[lastQuestion(r.body)])));
    telegram.userWrites(1, "I am chat one");
    telegram.userWrites(2, "I am chat two");
    const firsts = await telegram.whenCalls("sendMessage", 2);
    assert.deepStrictEqual(
      firsts.map((c) => c.params).sort((a, b) => a.chat_id.localeCompare(b.chat_id)),
      [
        { chat_id: "1", text: "One" },
        { chat_id: "2", text: "Two" },
      ],
    );
    for (const request of api.messageRequests) assert.strictEqual(request.body.messages.length, 1, "no other chat's history");

    telegram.userWrites(1, "Who am I?");
    const all = await telegram.whenCalls("sendMessage", 3);
    assert.deepStrictEqual(all[2].params, { chat_id: "1", text: "Chat one" });
    assert.deepStrictEqual(api.messageRequests[2].body.messages.map((m: any) => (typeof m.content === "string" ? m.content : m.content.map((b: any) => b.text).join(""))), [
      "I am chat one",
      "One",
      "Who am I?",
    ]);
    await typingStopped();
  });

  it("apologises in the chat when Claude fails, and stops typing", async () => {
    await load();
    const reason = collect(helper.getNode(node("debug").id), 1);
    api.reply({ status: 401, error: { type: "authentication_error", message: "invalid x-api-key" } });
    telegram.userWrites(99, "Hello?");
    const [apology] = await telegram.whenCalls("sendMessage", 1);
    assert.strictEqual(apology.params.chat_id, "99");
    assert.match(apology.params.text, /Sorry/);
    assert.deepStrictEqual(telegram.callsOf("sendChatAction").map((c) => c.params.chat_id), ["99"]);
    assert.ok(!JSON.stringify(telegram.calls).includes(KEY));
    assert.match((await reason)[0].error.message, /key was refused/);
    await typingStopped();
  });

  it("answers only the users the bot is set up for, as the example's setup note asks", async () => {
    await load({ usernames: "alice" });
    api.reply(text("Hi Alice"));
    telegram.userWrites(666, "Let me in", { id: 666, first_name: "Mallory", username: "mallory" });
    telegram.userWrites(42, "Hello", { id: 42, first_name: "Alice", username: "alice" });
    const [message] = await telegram.whenCalls("sendMessage", 1);
    assert.deepStrictEqual(message.params, { chat_id: "42", text: "Hi Alice" });
    assert.deepStrictEqual(
      api.messageRequests.map((r) => r.body.messages[0].content),
      ["Hello"],
      "the message from someone else never reached Claude",
    );
    assert.ok(!telegram.calls.some((c) => c.params.chat_id === "666"), "nothing was sent to the stranger");
  });

  it("stops polling when the flow stops: no request reaches the Bot API afterwards", async () => {
    await load();
    await telegram.whenCalls("getUpdates", 2);
    await helper.unload();
    const callsAtClose = telegram.calls.length;
    assert.strictEqual(telegram.heldPolls, 0, "no long poll is left open");
    // Several poll intervals (300 ms) and holds (200 ms).
    await new Promise((r) => setTimeout(r, 1500));
    assert.strictEqual(telegram.calls.length, callsAtClose, `requests after close: ${JSON.stringify(telegram.calls.slice(callsAtClose))}`);
  });
});
