// The rules for a stored history: what is sound enough to send, and what gets reset.
import assert from "assert";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { historyProblem, replayable } from "../nodes/lib/history";
import { ConversationMemory, contextKey, type ContextLike } from "../nodes/lib/memory";

const user = (content: MessageParam["content"]): MessageParam => ({ role: "user", content });
const assistant = (content: MessageParam["content"]): MessageParam => ({ role: "assistant", content });
const call = { type: "tool_use", id: "toolu_1", name: "lights", input: { on: true } } as const;
const result = { type: "tool_result", tool_use_id: "toolu_1", content: "done" } as const;

/** A plain in-memory context with the callback API of Node-RED's. */
function fakeContext(initial: Record<string, unknown> = {}): ContextLike & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = { ...initial };
  return {
    data,
    get: (key, _store, cb) => cb(null, data[key]),
    set: (key, value, _store, cb) => {
      if (value === undefined) delete data[key];
      else data[key] = value;
      cb(null);
    },
    keys: (_store, cb) => cb(null, Object.keys(data)),
  };
}

describe("stored history", () => {
  it("accepts a sound history with a tool round", () => {
    const history = [user("lights on"), assistant([call]), user([result]), assistant([{ type: "text", text: "Done." }])];
    assert.strictEqual(historyProblem(history), undefined);
    assert.strictEqual(historyProblem([]), undefined);
  });

  const broken: Array<[string, unknown, RegExp]> = [
    ["not a list", { messages: [] }, /not a list/],
    ["a message that is not an object", [user("hi"), "hello"], /message 1 is not an object/],
    ["an unknown role", [user("hi"), { role: "system", content: "x" }], /message 1 has role "system"/],
    ["no content", [user("hi"), { role: "assistant" }], /message 1 has no content/],
    ["empty string content", [user("hi"), assistant("  ")], /message 1 is empty/],
    ["an empty block list", [user("hi"), assistant([])], /message 1 is empty/],
    ["a block without a type", [user("hi"), assistant([{ text: "x" } as any])], /block without a type/],
    ["an empty text block", [user("hi"), assistant([{ type: "text", text: " " }])], /an empty text block/],
    ["a thinking block without signature", [user("hi"), assistant([{ type: "thinking", thinking: "hm" } as any, { type: "text", text: "x" }])], /malformed thinking/],
    ["a tool call without input", [user("hi"), assistant([{ type: "tool_use", id: "t", name: "n" } as any]), user([{ type: "tool_result", tool_use_id: "t" }]), assistant("ok")], /malformed tool call/],
    ["an image from the assistant", [user("hi"), assistant([{ type: "image", source: { type: "base64" } } as any])], /image block without a source/],
    ["a start with the assistant", [assistant("hello"), user("hi"), assistant("x")], /does not start with a user message/],
    ["a start with a tool result", [user([result]), assistant("x")], /does not start with a user message/],
    ["a tool call without its result", [user("hi"), assistant([call]), user("next"), assistant("x")], /tool call in message 1 has no result/],
    ["a result for a call never made", [user("hi"), assistant("x"), user([{ ...result, tool_use_id: "toolu_9" }, { type: "text", text: "and" }]), assistant("y")], /message 2 answers a tool call that was not made/],
    ["an unanswered last user message", [user("hi")], /does not end with an answer/],
  ];
  for (const [name, value, problem] of broken) {
    it(`finds ${name}`, () => {
      assert.match(historyProblem(value) ?? "", problem);
    });
  }

  it("makes an empty or blank answer replayable", () => {
    assert.deepStrictEqual(replayable([]), [{ type: "text", text: "(no answer)" }]);
    assert.deepStrictEqual(replayable([{ type: "text", text: "" }, call]), [call]);
    assert.deepStrictEqual(replayable([{ type: "text", text: "Hi" }]), [{ type: "text", text: "Hi" }]);
  });

  it("resets a hand-edited conversation on load and says why, leaving others alone", async () => {
    const good = { messages: [user("hi"), assistant("hello")], updated: Date.now() };
    const context = fakeContext({
      [contextKey("bad")]: { messages: [assistant("I speak first"), user("hi"), assistant("x")], updated: Date.now() },
      [contextKey("junk")]: "some text someone typed",
      [contextKey("good")]: good,
    });
    const memory = new ConversationMemory(context, { idleMinutes: 30, maxMessages: 40 });
    assert.deepStrictEqual(await memory.load("bad"), { messages: [], discarded: "it does not start with a user message" });
    assert.deepStrictEqual(await memory.load("junk"), { messages: [], discarded: "not a stored conversation" });
    assert.strictEqual(context.data[contextKey("bad")], undefined, "the unusable history is removed");
    assert.deepStrictEqual((await memory.load("good")).messages, good.messages);
  });

  it("trims an over-long stored history on load to the cap, in whole turns", async () => {
    const messages: MessageParam[] = [];
    for (let i = 0; i < 30; i++) messages.push(user(`q${i}`), assistant(`a${i}`));
    const context = fakeContext({ [contextKey("long")]: { messages, updated: Date.now() } });
    const loaded = await new ConversationMemory(context, { idleMinutes: 30, maxMessages: 6 }).load("long");
    assert.deepStrictEqual(loaded.messages, messages.slice(-6));
  });
});
