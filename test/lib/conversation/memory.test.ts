import assert from "assert";
import { ConversationMemory, contextKey } from "../../../nodes/lib/conversation/memory";
import { memoryContext } from "../../support/memory-context";

const turn = (n: number) => [
  { role: "user" as const, content: `q${n}` },
  { role: "assistant" as const, content: [{ type: "text" as const, text: `a${n}` }] },
];

describe("conversation memory", () => {
  it("encodes ids into one flat context key", () => {
    assert.strictEqual(contextKey("chat.42[0]"), "conversation_chat%2E42%5B0%5D");
    assert.notStrictEqual(contextKey("a.b"), contextKey("a_b"));
  });

  it("stores, loads and clears a conversation", async () => {
    const memory = new ConversationMemory(memoryContext(), { idleMinutes: 30, maxMessages: 40 });
    await memory.save("c1", turn(1), "claude-haiku-4-5");
    assert.deepStrictEqual(await memory.load("c1"), { messages: turn(1), model: "claude-haiku-4-5" });
    await memory.clear("c1");
    assert.deepStrictEqual(await memory.load("c1"), { messages: [] });
  });

  it("keeps a code execution container with the conversation until it expires", async () => {
    let now = Date.parse("2026-12-01T10:00:00Z");
    const memory = new ConversationMemory(memoryContext(), { idleMinutes: 0, maxMessages: 40 }, () => now);
    const container = { id: "container_1", expires_at: "2026-12-01T11:00:00Z" };
    await memory.save("c1", turn(1), "m", false, container);
    assert.deepStrictEqual((await memory.load("c1")).container, container);
    now = Date.parse("2026-12-01T11:00:01Z");
    const later = await memory.load("c1");
    assert.strictEqual(later.container, undefined);
    assert.deepStrictEqual(later.messages, turn(1), "the conversation itself stays");
    await memory.save("c2", turn(1), "m", false, { id: "container_2", expires_at: "not a date" });
    assert.strictEqual((await memory.load("c2")).container, undefined, "an unreadable expiry counts as expired");
  });

  it("trims to the cap on save", async () => {
    const memory = new ConversationMemory(memoryContext(), { idleMinutes: 0, maxMessages: 4 });
    await memory.save("c1", [...turn(1), ...turn(2), ...turn(3)]);
    assert.deepStrictEqual((await memory.load("c1")).messages, [...turn(2), ...turn(3)]);
  });

  it("trims a cached conversation to half the cap at once, so its cached start stays valid for several turns", async () => {
    const memory = new ConversationMemory(memoryContext(), { idleMinutes: 0, maxMessages: 8 });
    await memory.save("c1", [1, 2, 3, 4, 5].flatMap(turn), undefined, true);
    assert.deepStrictEqual((await memory.load("c1")).messages, [...turn(4), ...turn(5)]);
    // Below the cap nothing is dropped: the next turns only add to the end.
    await memory.save("c1", [4, 5, 6, 7].flatMap(turn), undefined, true);
    assert.deepStrictEqual((await memory.load("c1")).messages, [4, 5, 6, 7].flatMap(turn));
  });

  it("forgets conversations idle longer than the limit, on load and on sweep", async () => {
    let now = 1_000_000;
    const context = memoryContext();
    const memory = new ConversationMemory(context, { idleMinutes: 30, maxMessages: 40 }, () => now);
    await memory.save("old", turn(1));
    now += 20 * 60_000;
    await memory.save("recent", turn(1));
    now += 11 * 60_000;
    assert.strictEqual(await memory.sweep(), 1);
    assert.deepStrictEqual([...context.data.keys()], [contextKey("recent")]);
    now += 30 * 60_000;
    assert.deepStrictEqual((await memory.load("recent")).messages, []);
    assert.strictEqual(context.data.size, 0);
  });

  it("resets an unusable stored history and says why", async () => {
    const context = memoryContext();
    context.data.set(contextKey("c1"), { messages: [{ role: "assistant", content: "hand-edited" }], updated: Date.now() });
    const memory = new ConversationMemory(context, { idleMinutes: 30, maxMessages: 40 });
    const loaded = await memory.load("c1");
    assert.deepStrictEqual(loaded.messages, []);
    assert.match(loaded.discarded!, /start with a user/);
    assert.strictEqual(context.data.size, 0);
  });
  it("resets hand-edited conversations of every kind on load, leaving sound ones alone", async () => {
    const context = memoryContext();
    const good = { messages: turn(1), updated: Date.now() };
    context.data.set(contextKey("bad"), { messages: [turn(0)[1], ...turn(1)], updated: Date.now() });
    context.data.set(contextKey("junk"), "some text someone typed");
    context.data.set(contextKey("good"), good);
    const memory = new ConversationMemory(context, { idleMinutes: 30, maxMessages: 40 });
    assert.deepStrictEqual(await memory.load("bad"), { messages: [], discarded: "it does not start with a user message" });
    assert.deepStrictEqual(await memory.load("junk"), { messages: [], discarded: "not a stored conversation" });
    assert.strictEqual(context.data.has(contextKey("bad")), false, "the unusable history is removed");
    assert.deepStrictEqual((await memory.load("good")).messages, good.messages);
  });

  it("trims an over-long stored history on load to the cap, in whole turns", async () => {
    const context = memoryContext();
    const messages = Array.from({ length: 30 }, (_, n) => turn(n)).flat();
    context.data.set(contextKey("long"), { messages, updated: Date.now() });
    const loaded = await new ConversationMemory(context, { idleMinutes: 30, maxMessages: 6 }).load("long");
    assert.deepStrictEqual(loaded.messages, messages.slice(-6));
  });
});
