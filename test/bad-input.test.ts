// Bad input from a flow: each gets a clear error (or a sensible default) before any request is
// sent, never a crash and never a 400 from the API that the node could have prevented.
import assert from "assert";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { chatWithToolFlow, loadChat, say, type ChatNodes } from "./support/chat";
import { ALL_NODES, KEY, helper, nextError, useStandIn } from "./support/nodes";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function circular(): Record<string, unknown> {
  const o: Record<string, unknown> = { name: "loop" };
  o.self = o;
  return o;
}

/** Inputs that must be refused before a request, with the error they must give. */
const REFUSED: Array<[string, () => unknown, RegExp]> = [
  ["null", () => null, /There is no text to send: the input is empty/],
  ["undefined", () => undefined, /There is no text to send/],
  ["an empty string", () => "", /There is no text to send/],
  ["whitespace only", () => " \n\t  ", /There is no text to send/],
  ["an empty array", () => [], /There is no text to send/],
  ["a Buffer", () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2]), /The input is binary data/],
  ["a Uint8Array", () => new Uint8Array([1, 2, 3]), /The input is binary data/],
  ["an ArrayBuffer", () => new ArrayBuffer(8), /The input is binary data/],
  ["a circular object", circular, /cannot be turned into text \(it may be circular/],
  ["an object holding a BigInt", () => ({ big: BigInt(1) }), /cannot be turned into text/],
  ["a function", () => () => 1, /cannot be turned into text/],
  ["a whitespace text block", () => [{ type: "text", text: "   " }], /Content block 0 is empty; Claude rejects empty text/],
  ["a blank string among blocks", () => ["Look:", "  "], /Content block 1 is empty/],
  ["a text block without text", () => [{ type: "text" }], /Content block 0 is empty/],
  ["a block of an unknown type among blocks", () => ["Listen:", { type: "audio", data: "x" }], /Content block 1 has type "audio"; only text, image, document, search_result blocks can be sent from a flow/],
  ["a number among blocks", () => ["Hi", 42], /Content block 1 has type "number"/],
  ["null among blocks", () => ["Hi", null], /Content block 1 has type "object"/],
  ["a tool_result block from a flow", () => [{ type: "tool_result", tool_use_id: "x", content: "hi" }], /has type "tool_result"/],
  ["a block with an extra field", () => [{ type: "text", text: "hi", id: 7 }], /Content block 0 \(text\) has a field "id" that Claude does not take/],
  ["an image without a source", () => [{ type: "image" }], /Content block 0 \(image\) cannot be sent: it has no source/],
  ["an image of an unsupported media type", () => [{ type: "image", source: { type: "base64", media_type: "image/bmp", data: PNG } }], /media type "image\/bmp" is not image\/jpeg, image\/png, image\/gif or image\/webp/],
  ["an image whose data is not base64", () => [{ type: "image", source: { type: "base64", media_type: "image/png", data: "not base64!" } }], /its data is not base64/],
  ["an image with a file path as URL", () => [{ type: "image", source: { type: "url", url: "/tmp/cat.png" } }], /its url is not an http\(s\) URL/],
  ["a document that is not a PDF", () => [{ type: "document", source: { type: "base64", media_type: "text/html", data: PNG } }], /is not application\/pdf/],
  ["a document with an unknown source type", () => [{ type: "document", source: { type: "path", path: "/x.pdf" } }], /source type "path" is unknown/],
];

describe("bad input", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  let nodes: ChatNodes;
  beforeEach(async () => {
    api = standIn();
    nodes = await loadChat(api);
  });

  for (const [name, make, error] of REFUSED) {
    it(`refuses ${name} with a clear error and sends nothing`, async () => {
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: make(), conversation_id: "c1" });
      const { text, msg } = await failed;
      assert.match(text, error);
      assert.strictEqual(msg.error.type, "invalid_input");
      assert.strictEqual(api.messageRequests.length, 0, "no request was sent");
      // The node keeps working.
      const ok = await say(nodes, { payload: "still there?", conversation_id: "c1" });
      assert.strictEqual(ok.payload, "You said: still there?");
      assert.deepStrictEqual(api.messageRequests[0].body.messages, [{ role: "user", content: "still there?" }]);
    });
  }

  for (const [name, value, sent] of [
    ["a number", 42.5, "42.5"],
    ["zero", 0, "0"],
    ["false", false, "false"],
    ["a plain object (as JSON)", { temperature: 21.5, room: "kitchen" }, '{"temperature":21.5,"room":"kitchen"}'],
    ["a Date (as JSON)", new Date("2026-01-02T03:04:05Z"), '"2026-01-02T03:04:05.000Z"'],
  ] as const) {
    it(`sends ${name} as text`, async () => {
      await say(nodes, { payload: value });
      assert.deepStrictEqual(api.messageRequests[0].body.messages[0].content, sent);
    });
  }

  it("sends well-formed image, document and text blocks as they are", async () => {
    const blocks = [
      { type: "text", text: "Compare these", cache_control: { type: "ephemeral" } },
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "plain text doc" }, title: "notes" },
    ];
    await say(nodes, { payload: blocks });
    assert.deepStrictEqual(api.messageRequests[0].body.messages[0].content, blocks);
  });

  for (const [name, size, error] of [
    // 10 MB cannot fit in Haiku's 200,000-token context window however it is tokenized.
    ["a 10 MB text", 10 * 1024 * 1024, /The text \(10485760 characters\) cannot fit in the model's context window of 200000 tokens; nothing was sent/],
    // 36 MB is over the API's 32 MB request limit whatever the model.
    ["a 36 MB text", 36 * 1024 * 1024, /The request would be 36\.0 MB, more than the 32\.0 MB the Claude API accepts; nothing was sent/],
  ] as const) {
    it(`refuses ${name} before uploading it, and keeps working`, async () => {
      const huge = "x".repeat(size);
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: huge, conversation_id: "c1" });
      const { text, msg } = await failed;
      assert.match(text, error);
      assert.strictEqual(msg.error.type, "request_too_large");
      assert.ok(!text.includes("xxxxxxxx"), "the error does not repeat the input");
      assert.strictEqual(api.messageRequests.length, 0, "nothing was uploaded");
      const ok = await say(nodes, { payload: "smaller", conversation_id: "c1" });
      assert.strictEqual(ok.payload, "You said: smaller");
      assert.deepStrictEqual(api.messageRequests[0].body.messages, [{ role: "user", content: "smaller" }], "the refused text was not stored");
    });
  }

  it("says clearly when the API refuses a size the node let through", async () => {
    api.maxBodyBytes = 1024 * 1024;
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "y".repeat(1100 * 1024), conversation_id: "c1" });
    const { text, msg } = await failed;
    assert.match(text, /The request is too large for the Claude API \(413\)/);
    assert.strictEqual(msg.error.status, 413);
  });

  for (const [name, id] of [
    ["an object", { chat: 1 }],
    ["an array", ["a"]],
    ["a boolean", true],
    ["NaN", NaN],
    ["a string of 1000 characters", "x".repeat(1000)],
  ] as const) {
    it(`refuses ${name} as conversation id`, async () => {
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "Hi", conversation_id: id });
      const { text } = await failed;
      assert.match(text, /The conversation id must be a string or number of at most 256 characters/);
      assert.strictEqual(api.messageRequests.length, 0);
    });
  }

  it("takes numeric ids and ids with dots, slashes and brackets as separate conversations", async () => {
    const ids = [12345, "12345.0", "a.b", "a[0]", "a/b", "ä ö 🙂", "__proto__", "constructor"];
    for (const id of ids) await say(nodes, { payload: `I am ${String(id)}`, conversation_id: id });
    for (const id of ids) {
      const answer = await say(nodes, { payload: "who?", conversation_id: id });
      assert.strictEqual(answer.conversation_id, String(id));
      const last = api.messageRequests[api.messageRequests.length - 1].body.messages;
      assert.strictEqual(last[0].content, `I am ${String(id)}`, `conversation ${String(id)} kept its own history`);
      assert.strictEqual(last.length, 3);
    }
  });

  it("renders a template's missing values as empty, whatever they reference", async () => {
    await helperReload({ instructions: "A{{msg.nope.deeper.still}}B{{flow.none.x}}C{{global.missing}}D{{env.NOT_SET_ANYWHERE}}E{{#msg.absent}}hidden{{/msg.absent}}F" });
    await say(nodes, { payload: "Hi" });
    assert.strictEqual(api.messageRequests[0].body.system[0].text, "ABCDEF");
  });

  it("reports a broken template at start and on each message, without sending", async () => {
    await helperReload({ instructions: "Hello {{#msg.user}} unclosed" });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi" });
    const { text } = await failed;
    assert.match(text, /The instructions template is broken: Unclosed section "msg.user"/);
    assert.strictEqual(api.messageRequests.length, 0);
  });

  it("renders a circular msg in the template without crashing", async () => {
    await helperReload({ instructions: "Context: {{msg.topic.self.self.name}}" });
    const topic = circular();
    await say(nodes, { payload: "Hi", topic });
    assert.strictEqual(api.messageRequests[0].body.system[0].text, "Context: loop");
  });

  it("refuses per-message overrides it cannot use, before any request", async () => {
    for (const [field, value] of [
      ["model", 42],
      ["model", "  "],
      ["max_tokens", -5],
      ["max_tokens", 0],
      ["max_tokens", "lots"],
      ["effort", "extreme"],
      ["thinking", { budget: 5 }],
    ] as const) {
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "Hi", [field]: value });
      const { text } = await failed;
      assert.match(text, new RegExp(`msg\\.${field} has a value the node cannot use`));
    }
    assert.strictEqual(api.messageRequests.length, 0);
  });

  it("sends tool results of any shape back as a valid tool_result, and the turn goes on", async () => {
    await helper.unload();
    await helper.load(
      ALL_NODES,
      chatWithToolFlow(api.url, { name: "probe", timeout: 10 }),
      { account: { apiKey: KEY } },
    );
    nodes = { chat: helper.getNode("chat"), out: helper.getNode("out") };
    const results: Array<[string, unknown, boolean]> = [
      ["a circular object", circular(), true],
      ["a BigInt", BigInt(7), true],
      ["undefined", undefined, false],
      ["an empty string", "", false],
      ["whitespace", " \n ", false],
      ["a function", () => 1, false],
      ["random bytes", Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]), false],
      ["a huge string", "z".repeat(3 * 1024 * 1024), false],
      ["a deep object", JSON.parse("[".repeat(500) + "]".repeat(500)), false],
    ];
    let current: unknown;
    helper.getNode("calls").on("input", (msg: any) => helper.getNode("result").receive({ ...msg, payload: current }));
    for (const [name, value, isError] of results) {
      current = value;
      api.reply({ content: [{ type: "tool_use", id: "toolu_1", name: "probe", input: {} }] }, { content: [{ type: "text", text: "ok" }] });
      const answer = await say(nodes, { payload: `try ${name}` });
      assert.strictEqual(answer.payload, "ok", `${name}: the turn finished`);
      const sent = api.messageRequests[api.messageRequests.length - 1].body.messages;
      const [block] = sent[sent.length - 1].content;
      assert.strictEqual(block.type, "tool_result");
      assert.strictEqual(block.is_error === true, isError, `${name}: is_error in ${JSON.stringify(block).slice(0, 300)}`);
      const text = typeof block.content === "string" ? block.content : JSON.stringify(block.content);
      assert.ok(text.trim().length > 0 && text.length < 200_000, `${name}: a non-blank result of bounded size`);
    }
  });

  async function helperReload(conversation: Record<string, unknown>) {
    await helper.unload();
    nodes = await loadChat(api, conversation);
  }
});
