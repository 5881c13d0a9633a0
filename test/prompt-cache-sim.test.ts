// The prompt-cache model behind the stand-in's cacheSimulation, checked on small cases worked out by
// hand (tokens = characters / 4, so 400 characters = 100 tokens).
import assert from "assert";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { PromptCacheSim, minCacheableTokens } from "./standins/prompt-cache-sim";

const text = (tokens: number, fill = "x") => fill.repeat(tokens * 4);
const cc = { type: "ephemeral" };
const system100 = [{ type: "text", text: text(100, "s"), cache_control: cc }];
const u1 = { role: "user", content: text(10, "a") };
const a1 = { role: "assistant", content: [{ type: "text", text: text(20, "b") }] };
const u2 = { role: "user", content: text(10, "c") };

function usage(sim: PromptCacheSim, body: any) {
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens } = sim.process({ model: "claude-haiku-4-5", ...body });
  return { input: input_tokens, write: cache_creation_input_tokens, read: cache_read_input_tokens };
}

describe("prompt cache simulation", function () {
  it("system breakpoint only: the system prompt is written once, then read; messages stay plain", () => {
    const sim = new PromptCacheSim({ minTokens: 100 });
    assert.deepStrictEqual(usage(sim, { system: system100, messages: [u1] }), { input: 10, write: 100, read: 0 });
    assert.deepStrictEqual(usage(sim, { system: system100, messages: [u1, a1, u2] }), { input: 40, write: 0, read: 100 });
  });

  it("automatic caching: the breakpoint moves to the last block and the next turn reads the previous one", () => {
    const sim = new PromptCacheSim({ minTokens: 100 });
    assert.deepStrictEqual(usage(sim, { cache_control: cc, system: system100, messages: [u1] }), { input: 0, write: 110, read: 0 });
    assert.deepStrictEqual(usage(sim, { cache_control: cc, system: system100, messages: [u1, a1, u2] }), { input: 0, write: 30, read: 110 });
  });

  it("writes nothing below the model's minimum cacheable length", () => {
    const sim = new PromptCacheSim({ minTokens: 120 });
    // 100 and 110 tokens: both breakpoints too short.
    assert.deepStrictEqual(usage(sim, { cache_control: cc, system: system100, messages: [u1] }), { input: 110, write: 0, read: 0 });
    // The system breakpoint (100) still is, the last one (140) is long enough.
    assert.deepStrictEqual(usage(sim, { cache_control: cc, system: system100, messages: [u1, a1, u2] }), { input: 0, write: 140, read: 0 });
    assert.strictEqual(minCacheableTokens("claude-haiku-4-5"), 4096);
    assert.strictEqual(minCacheableTokens("claude-sonnet-4-6"), 1024);
  });

  it("looks back at most 20 blocks from a breakpoint for an earlier entry", () => {
    const first = { role: "user", content: [{ type: "text", text: text(100) }] };
    const reply = (blocks: number) => ({ role: "assistant", content: Array.from({ length: blocks }, (_, i) => ({ type: "text", text: text(1, String(i % 10)) })) });
    const sim = new PromptCacheSim({ minTokens: 50 });
    usage(sim, { cache_control: cc, messages: [first] });
    // 18 reply blocks + the new user block: the breakpoint is block 19, and block 0 is the 20th looked at.
    assert.strictEqual(usage(sim, { cache_control: cc, messages: [first, reply(18), u2] }).read, 100);
    sim.reset();
    usage(sim, { cache_control: cc, messages: [first] });
    // One block more and the entry at block 0 is out of reach.
    assert.strictEqual(usage(sim, { cache_control: cc, messages: [first, reply(19), u2] }).read, 0);
  });

  it("orders the prefix tools → system → messages: a tool change invalidates everything after it", () => {
    const sim = new PromptCacheSim({ minTokens: 50 });
    const tool = (description: string) => ({ name: "lights", description, input_schema: { type: "object" } });
    usage(sim, { tools: [tool("one")], system: system100, messages: [u1] });
    assert.strictEqual(usage(sim, { tools: [tool("one")], system: system100, messages: [u2] }).read > 100, true);
    assert.strictEqual(usage(sim, { tools: [tool("two")], system: system100, messages: [u2] }).read, 0);
  });

  it("refuses more than 4 breakpoints; the automatic one is free when the last block is already marked", () => {
    const sim = new PromptCacheSim({ minTokens: 1 });
    const marked = (n: number) => ({ role: "user", content: Array.from({ length: n }, (_, i) => ({ type: "text", text: `block ${i}`, cache_control: cc })) });
    assert.doesNotThrow(() => sim.process({ model: "m", cache_control: cc, messages: [marked(4)] }));
    assert.throws(() => sim.process({ model: "m", cache_control: cc, messages: [marked(4), u2] }), /maximum of 4/);
  });

  it("forgets entries after their TTL, counted from the last read", () => {
    let now = 0;
    const sim = new PromptCacheSim({ minTokens: 100, now: () => now });
    usage(sim, { system: system100, messages: [u1] });
    now += 4 * 60_000;
    assert.strictEqual(usage(sim, { system: system100, messages: [u2] }).read, 100, "read within 5 minutes, which refreshes it");
    now += 4 * 60_000;
    assert.strictEqual(usage(sim, { system: system100, messages: [u2] }).read, 100);
    now += 5 * 60_000 + 1;
    assert.strictEqual(usage(sim, { system: system100, messages: [u2] }).read, 0);
  });

  it("drives the stand-in's usage numbers, and its 400 for too many markers", async () => {
    const api = await new AnthropicStandIn().start();
    try {
      api.cacheSimulation = new PromptCacheSim({ minTokens: 100 });
      const post = (body: any) =>
        fetch(`${api.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 10, ...body }) });
      await post({ cache_control: cc, system: system100, messages: [u1] });
      const second = await (await post({ cache_control: cc, system: system100, messages: [u1, a1, u2] })).json();
      assert.deepStrictEqual(
        [second.usage.input_tokens, second.usage.cache_creation_input_tokens, second.usage.cache_read_input_tokens],
        [0, 30, 110],
      );
      const refused = await post({ cache_control: cc, messages: [{ role: "user", content: [1, 2, 3, 4].map((i) => ({ type: "text", text: `b${i}`, cache_control: cc })) }, { role: "assistant", content: "x" }, u2] });
      assert.strictEqual(refused.status, 400);
      assert.strictEqual((await refused.json()).error.type, "invalid_request_error");
    } finally {
      await api.stop();
    }
  });
});
