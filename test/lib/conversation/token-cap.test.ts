import assert from "assert";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { historyProblem } from "../../../nodes/lib/conversation/history";
import { ConversationMemory } from "../../../nodes/lib/conversation/memory";
import { dropOlderHalf, keptTokens, measuredTokens, tokenCap, trimToTokens } from "../../../nodes/lib/conversation/token-cap";
import { memoryContext } from "../../support/memory-context";

/** A turn of equal size; `tool` adds a tool round with a large result. */
function turn(n: number, tool = false): MessageParam[] {
  const text = `message ${n} `.padEnd(400, "x");
  if (!tool) return [{ role: "user", content: text }, { role: "assistant", content: text }];
  return [
    { role: "user", content: text },
    { role: "assistant", content: [{ type: "tool_use", id: `t${n}`, name: "states", input: {} }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: `t${n}`, content: "s".repeat(4000) }] },
    { role: "assistant", content: text },
  ];
}

describe("token cap", () => {
  it("measures the whole last request: plain, cached and written input and the answer", () => {
    assert.strictEqual(measuredTokens({ input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 3000, output_tokens: 40 }), 3250);
    assert.strictEqual(measuredTokens(undefined), 0);
  });

  it("caps at the setting and never above 60% of the model's window", () => {
    assert.strictEqual(tokenCap(50_000, 200_000), 50_000);
    assert.strictEqual(tokenCap(500_000, 200_000), 120_000);
    assert.strictEqual(tokenCap(0, 200_000), 120_000);
    assert.strictEqual(tokenCap(50_000, null), 50_000);
    assert.strictEqual(tokenCap(0, undefined), 0);
  });

  it("keeps a history under the cap as it is", () => {
    const history = [1, 2, 3].flatMap((n) => turn(n));
    assert.strictEqual(trimToTokens(history, 900, 1000), history);
  });

  it("drops the oldest whole turns until the estimate fits", () => {
    const history = [1, 2, 3, 4].flatMap((n) => turn(n));
    // Four equal turns measured 4000 tokens: 1000 each.
    const kept = trimToTokens(history, 4000, 2500);
    assert.deepStrictEqual(kept, [3, 4].flatMap((n) => turn(n)));
    assert.strictEqual(keptTokens(kept, history, 4000), 2000);
    assert.strictEqual(historyProblem(kept), undefined);
  });

  it("gives instructions and tools their share of the measure, so they do not crowd out the history", () => {
    const history = [1, 2, 3, 4].flatMap((n) => turn(n));
    const weight = history.reduce((sum, m) => sum + JSON.stringify(m.content).length + 16, 0);
    // The request measured 8000 tokens, half of it a long system prompt of the messages' length.
    assert.strictEqual(trimToTokens(history, 8000, 4000, false, weight), history, "the history itself is 4000");
    assert.deepStrictEqual(trimToTokens(history, 8000, 3000, false, weight), [2, 3, 4].flatMap((n) => turn(n)));
    assert.deepStrictEqual(trimToTokens(history, 8000, 3000), turn(4), "without it, the history is taken for all 8000");
  });

  it("weighs large tool results by their size and never splits a tool round", () => {
    const history = [...turn(1, true), ...turn(2), ...turn(3)];
    const kept = trimToTokens(history, 6000, 3000);
    assert.deepStrictEqual(kept, [...turn(2), ...turn(3)], "the turn with the large result goes first");
    assert.strictEqual(historyProblem(kept), undefined);
  });

  it("keeps the last turn even when it alone is over the cap", () => {
    const history = [...turn(1), ...turn(2, true)];
    assert.deepStrictEqual(trimToTokens(history, 10_000, 100), turn(2, true));
  });

  it("makes room by dropping at least half the history, all of a single turn", () => {
    const history = [1, 2, 3, 4].flatMap((n) => turn(n));
    assert.deepStrictEqual(dropOlderHalf(history), [3, 4].flatMap((n) => turn(n)));
    assert.deepStrictEqual(dropOlderHalf(turn(1, true)), []);
    assert.deepStrictEqual(dropOlderHalf([]), []);
  });

  it("memory trims a cached conversation over the cap to half of it at once, and stores the estimate", async () => {
    const context = memoryContext();
    const memory = new ConversationMemory(context, { idleMinutes: 0, maxMessages: 0 });
    const history = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((n) => turn(n));
    await memory.save("c", history, undefined, true, undefined, { tokens: 8000, cap: 7000 });
    const stored = (await memory.load("c")).messages;
    assert.deepStrictEqual(stored, [6, 7, 8].flatMap((n) => turn(n)), "down to half the cap (3500): three turns of 1000");
    assert.strictEqual(context.data.get("conversation_c").tokens, 3000);
    await memory.save("d", history, undefined, false, undefined, { tokens: 8000, cap: 7000 });
    assert.strictEqual((await memory.load("d")).messages.length, 14, "uncached: down to the cap (seven turns)");
  });
});
