// The stand-in's context management, driven with the real SDK's beta client: what the real API does
// with `context_management` edits and compaction blocks is what the product's tests rely on.
import assert from "assert";
import Anthropic from "@anthropic-ai/sdk";
import type { BetaMessage, BetaMessageParam } from "@anthropic-ai/sdk/resources/beta/messages/messages";
import { AnthropicStandIn, DEFAULT_MODELS, promptTokens } from "../../standins/anthropic-standin";
import { PromptCacheSim } from "../../standins/prompt-cache-sim";
import { CLEARED_TOOL_RESULT, effectiveMessages, SUMMARY_PREFIX } from "../../standins/context-management";

const COMPACT = ["compact-2026-01-12"] as const;
const CLEARING = ["context-management-2025-06-27"] as const;
const BOTH = [...COMPACT, ...CLEARING];
const MODEL = "claude-sonnet-4-6";

/** A user text of about `tokens` tokens (4 characters a token), starting with a recognisable label. */
function userText(label: string, tokens: number): BetaMessageParam {
  return { role: "user", content: `${label} ${"lorem ipsum ".repeat(Math.ceil((tokens * 4) / 12))}` };
}

/** A conversation of alternating user/assistant messages whose user texts total about `tokens`. */
function conversation(tokens: number, turns = 3): BetaMessageParam[] {
  const messages: BetaMessageParam[] = [];
  for (let i = 1; i <= turns; i++) {
    messages.push(userText(`Fact ${i}:`, tokens / turns));
    if (i < turns) messages.push({ role: "assistant", content: `Noted fact ${i}.` });
  }
  return messages;
}

const compactEdit = (value = 50_000, extra: object = {}) => ({ context_management: { edits: [{ type: "compact_20260112" as const, trigger: { type: "input_tokens" as const, value }, ...extra }] } });

describe("Anthropic stand-in: context management", function () {
  let api: AnthropicStandIn;
  let client: Anthropic;

  beforeEach(async () => {
    api = await new AnthropicStandIn().start();
    client = new Anthropic({ apiKey: "sk-ant-test", baseURL: api.url, maxRetries: 0 });
  });
  afterEach(() => api.stop());

  async function refusal(promise: Promise<unknown>): Promise<string> {
    const err = await promise.then(
      () => assert.fail("the request was accepted"),
      (e) => e,
    );
    assert.ok(err instanceof Anthropic.BadRequestError, String(err));
    return (err.error as any).error.message;
  }

  describe("compaction", () => {
    it("compacts when the prompt passes the trigger, and not below it", async () => {
      const below = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: conversation(45_000), ...compactEdit(), betas: [...COMPACT] });
      assert.deepStrictEqual(below.content.map((b) => b.type), ["text"]);
      assert.strictEqual(api.compactions, 0);

      const messages = conversation(60_000);
      api.reply({ content: [{ type: "text", text: "Here is the answer." }] });
      const above = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages, ...compactEdit(), betas: [...COMPACT] });
      assert.deepStrictEqual(above.content.map((b) => b.type), ["compaction", "text"]);
      const block = above.content[0] as any;
      assert.ok(block.content.startsWith(SUMMARY_PREFIX), block.content);
      for (const fact of ["Fact 1:", "Fact 2:", "Fact 3:"]) assert.ok(block.content.includes(fact), `${fact} is in the summary`);
      assert.ok(block.content.length <= 4000);
      assert.strictEqual(block.encrypted_content, null);
      assert.strictEqual(block.signature, "sig-compaction-1");
      assert.strictEqual((above.content[1] as any).text, "Here is the answer.");
      assert.strictEqual(api.compactions, 1);
      assert.strictEqual(api.messageRequests[1].context?.compaction?.content, block.content);
    });

    it("compacts only once the prompt exceeds the trigger: at the trigger it does not", async () => {
      const messages = conversation(60_000);
      const tokens = promptTokens({ model: MODEL, messages });
      const at = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages, ...compactEdit(tokens), betas: [...COMPACT] });
      assert.strictEqual(at.content[0].type, "text");
      const past = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages, ...compactEdit(tokens - 1), betas: [...COMPACT] });
      assert.strictEqual(past.content[0].type, "compaction");
    });

    it("compacts at 150,000 tokens when the edit names no trigger", async () => {
      const edits = [{ type: "compact_20260112" as const }];
      const small = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: conversation(140_000), context_management: { edits }, betas: [...COMPACT] });
      assert.strictEqual(small.content[0].type, "text");
      const large = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: conversation(160_000), context_management: { edits }, betas: [...COMPACT] });
      assert.strictEqual(large.content[0].type, "compaction");
    });

    it("puts the edit's instructions into the summary", async () => {
      const answer = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: conversation(60_000), ...compactEdit(50_000, { instructions: "Keep the names of pets." }), betas: [...COMPACT] });
      assert.ok((answer.content[0] as any).content.includes("Keep the names of pets."));
    });

    it("reports the compaction in iterations and only the answer in the top-level usage", async () => {
      const messages = conversation(60_000);
      const answer = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages, ...compactEdit(), betas: [...COMPACT] });
      const block = answer.content[0] as any;
      const [compaction, message] = answer.usage.iterations as any[];
      assert.strictEqual(answer.usage.iterations?.length, 2);
      assert.strictEqual(compaction.type, "compaction");
      assert.strictEqual(compaction.input_tokens, promptTokens({ model: MODEL, messages }));
      assert.strictEqual(compaction.output_tokens, Math.ceil(block.content.length / 4));
      assert.strictEqual(message.type, "message");
      // The answer was sampled from the summary, so its input is the compacted context.
      const compactedContext = promptTokens({ messages: [{ role: "assistant", content: [block] }] });
      assert.strictEqual(answer.usage.input_tokens, compactedContext);
      assert.ok(answer.usage.input_tokens < 2000, `${answer.usage.input_tokens}`);
      assert.strictEqual(message.input_tokens, answer.usage.input_tokens);
      assert.strictEqual(message.output_tokens, answer.usage.output_tokens);
    });

    it("lets scripted usage override the compacted input", async () => {
      api.reply({ content: [{ type: "text", text: "ok" }], usage: { input_tokens: 7 } });
      const answer = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: conversation(60_000), ...compactEdit(), betas: [...COMPACT] });
      assert.strictEqual(answer.usage.input_tokens, 7);
      assert.strictEqual((answer.usage.iterations as any[])[1].input_tokens, 7);
    });

    it("takes the block back: what came before it is dropped from the prompt the model sees", async () => {
      const first = conversation(60_000);
      api.reply({ content: [{ type: "text", text: "Noted all three." }] });
      const compacted = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: first, ...compactEdit(), betas: [...COMPACT] });
      const next: BetaMessageParam[] = [...first, { role: "assistant", content: compacted.content as any }, { role: "user", content: "And now?" }];
      // A window smaller than what the client sends: only the effective prompt has to fit.
      api.contextLimit = 55_000;
      const answer = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: next, ...compactEdit(), betas: [...COMPACT] });
      assert.ok(promptTokens({ model: MODEL, messages: next }) > 55_000);
      const seen = api.messageRequests[1].context!.messages;
      assert.deepStrictEqual(seen, effectiveMessages(next));
      assert.strictEqual(seen.length, 2);
      assert.deepStrictEqual(seen[0], { role: "assistant", content: compacted.content });
      assert.ok(!JSON.stringify(seen).includes("Noted fact"), "the compacted messages are gone");
      assert.ok(JSON.stringify(seen).length < 5000, "only the summary is left of the long texts");
      assert.strictEqual((answer.content[0] as any).text, "You said: And now?");
      assert.ok(answer.usage.input_tokens < 2000, `input ${answer.usage.input_tokens} counts only the summary onwards`);
      assert.strictEqual(api.compactions, 1, "no second compaction below the trigger");
    });

    it("simulates the prompt cache over the prompt the model sees, not what the client sent", async () => {
      const first = conversation(60_000);
      api.reply({ content: [{ type: "text", text: "Noted all three." }] });
      const compacted = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: first, ...compactEdit(), betas: [...COMPACT] });
      api.cacheSimulation = new PromptCacheSim({ minTokens: 1 });
      const next: BetaMessageParam[] = [...first, { role: "assistant", content: compacted.content as any }, { role: "user", content: "And now?" }];
      const answer = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: next, cache_control: { type: "ephemeral" }, betas: [...COMPACT] });
      const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens } = answer.usage;
      const total = input_tokens + (cache_creation_input_tokens ?? 0) + (cache_read_input_tokens ?? 0);
      assert.ok(total > 0 && total < 2000, `the cache saw ${total} tokens`);
      assert.ok((cache_creation_input_tokens ?? 0) > 0, "the automatic breakpoint wrote the effective prompt");
    });

    it("refuses a compaction block whose summary or signature was changed", async () => {
      const first = conversation(60_000);
      const compacted = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: first, ...compactEdit(), betas: [...COMPACT] });
      const block = compacted.content[0] as any;
      const sendBack = (changed: any) => client.beta.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: [changed] }, { role: "user", content: "Go on" }], betas: [...COMPACT] });
      assert.match(await refusal(sendBack({ ...block, content: `${block.content} and more` })), /invalid compaction block signature/);
      assert.match(await refusal(sendBack({ ...block, signature: "sig-compaction-999" })), /invalid compaction block signature/);
      const fine = await sendBack(block);
      assert.strictEqual((fine.content[0] as any).text, "You said: Go on");
    });

    it("takes a failed compaction (null content) as a no-op", async () => {
      const messages: BetaMessageParam[] = [{ role: "user", content: "Keep me" }, { role: "assistant", content: [{ type: "compaction", content: null, encrypted_content: null, signature: null }, { type: "text", text: "Hm." }] }, { role: "user", content: "Go on" }];
      await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, betas: [...COMPACT] });
      const seen = api.messageRequests[0].context!.messages;
      assert.strictEqual(seen.length, 3);
      assert.deepStrictEqual(seen[1].content, [{ type: "text", text: "Hm." }]);
    });

    it("refuses compaction blocks without the beta, and in user messages", async () => {
      const issued = (await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: conversation(60_000), ...compactEdit(), betas: [...COMPACT] })).content[0] as any;
      const withoutBeta = client.beta.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: [issued] }, { role: "user", content: "Go on" }], betas: [...CLEARING] });
      assert.match(await refusal(withoutBeta), /messages\.1\.content\.0: Input tag 'compaction'/);
      const inUser = client.beta.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: [issued, { type: "text", text: "Hi" }] }], betas: [...COMPACT] });
      assert.match(await refusal(inUser), /only allowed in assistant messages/);
    });

    it("streams the block first: start without content, one compaction_delta, then the answer", async () => {
      api.reply({ content: [{ type: "text", text: "Streamed answer." }] });
      const stream = client.beta.messages.stream({ model: MODEL, max_tokens: 1000, messages: conversation(60_000), ...compactEdit(), betas: [...COMPACT] });
      const events: any[] = [];
      const summaries: string[] = [];
      // The stream reuses message_start's message as its snapshot, so events are copied as they arrive.
      stream.on("streamEvent", (event) => events.push(structuredClone(event)));
      stream.on("compaction", (content) => summaries.push(content));
      const message: BetaMessage = await stream.finalMessage();
      assert.deepStrictEqual(message.content.map((b) => b.type), ["compaction", "text"]);
      const block = message.content[0] as any;
      assert.ok(block.content.startsWith(SUMMARY_PREFIX));
      assert.strictEqual(block.signature, "sig-compaction-1");
      assert.strictEqual(block.encrypted_content, null);
      assert.deepStrictEqual(summaries, [block.content]);
      assert.strictEqual((message.content[1] as any).text, "Streamed answer.");
      const start = events.find((e) => e.type === "content_block_start" && e.index === 0);
      assert.deepStrictEqual(start.content_block, { type: "compaction", content: null, encrypted_content: null, signature: "sig-compaction-1" });
      assert.strictEqual(events.filter((e) => e.delta?.type === "compaction_delta").length, 1);
      assert.strictEqual(events.find((e) => e.type === "message_start").message.usage.iterations, undefined);
      assert.deepStrictEqual(message.usage.iterations?.map((i) => i.type), ["compaction", "message"]);
      assert.deepStrictEqual(message.context_management, { applied_edits: [] });
    });

    it("pauses after compaction when asked: the block alone, stop reason compaction", async () => {
      api.reply({ content: [{ type: "text", text: "For the next request." }] });
      const paused = await client.beta.messages.create({ model: MODEL, max_tokens: 1000, messages: conversation(60_000), ...compactEdit(50_000, { pause_after_compaction: true }), betas: [...COMPACT] });
      assert.deepStrictEqual(paused.content.map((b) => b.type), ["compaction"]);
      assert.strictEqual(paused.stop_reason, "compaction");
      assert.deepStrictEqual(paused.usage.iterations?.map((i) => i.type), ["compaction"]);
      const next = await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "Hi" }], betas: [...COMPACT] });
      assert.strictEqual((next.content[0] as any).text, "For the next request.");
    });
  });

  describe("validation", () => {
    it("needs the beta each edit belongs to in the anthropic-beta header", async () => {
      const messages: BetaMessageParam[] = [{ role: "user", content: "Hi" }];
      assert.match(await refusal(client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, ...compactEdit(), betas: [...CLEARING] })), /compact-2026-01-12/);
      const clearing = { context_management: { edits: [{ type: "clear_tool_uses_20250919" as const }] } };
      assert.match(await refusal(client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, ...clearing, betas: [...COMPACT] })), /context-management-2025-06-27/);
      const both = { context_management: { edits: [{ type: "clear_tool_uses_20250919" as const }, { type: "compact_20260112" as const }] } };
      await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, ...both, betas: BOTH });
    });

    it("refuses an edit the model does not take, naming it", async () => {
      const messages: BetaMessageParam[] = [{ role: "user", content: "Hi" }];
      const refused = await refusal(client.beta.messages.create({ model: "claude-haiku-4-5", max_tokens: 100, messages, ...compactEdit(), betas: BOTH }));
      assert.match(refused, /'compact_20260112' is not supported on claude-haiku-4-5/);
      api.models = [...DEFAULT_MODELS, { id: "claude-clears-1", contextManagement: ["clear_tool_uses_20250919"] }];
      await client.beta.messages.create({ model: "claude-clears-1", max_tokens: 100, messages, context_management: { edits: [{ type: "clear_tool_uses_20250919" }] }, betas: BOTH });
      assert.match(await refusal(client.beta.messages.create({ model: "claude-clears-1", max_tokens: 100, messages, ...compactEdit(), betas: BOTH })), /not supported on claude-clears-1/);
    });

    it("refuses a compaction trigger below 50,000 tokens", async () => {
      const messages: BetaMessageParam[] = [{ role: "user", content: "Hi" }];
      assert.match(await refusal(client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, ...compactEdit(49_999), betas: [...COMPACT] })), /greater than or equal to 50000/);
      await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, ...compactEdit(50_000), betas: [...COMPACT] });
    });

    it("takes clear_thinking only as the first edit and with thinking on", async () => {
      const base = { model: MODEL, max_tokens: 4000, messages: [{ role: "user" as const, content: "Hi" }], betas: [...CLEARING] };
      const thinking = { type: "enabled" as const, budget_tokens: 2000 };
      const second = { edits: [{ type: "clear_tool_uses_20250919" as const }, { type: "clear_thinking_20251015" as const }] };
      assert.match(await refusal(client.beta.messages.create({ ...base, thinking, context_management: second })), /must be the first edit/);
      const first = { edits: [{ type: "clear_thinking_20251015" as const }, { type: "clear_tool_uses_20250919" as const }] };
      assert.match(await refusal(client.beta.messages.create({ ...base, context_management: first })), /requires thinking/);
      assert.match(await refusal(client.beta.messages.create({ ...base, thinking: { type: "disabled" }, context_management: first })), /requires thinking/);
      await client.beta.messages.create({ ...base, thinking, context_management: first });
      await client.beta.messages.create({ ...base, thinking: { type: "adaptive" }, context_management: first });
    });
  });

  describe("clearing", () => {
    /** A tool loop: `count` calls of `name(i)`, each answered with about `tokens` tokens. */
    function toolLoop(count: number, tokens: number, name = (_i: number) => "get_states"): BetaMessageParam[] {
      const messages: BetaMessageParam[] = [{ role: "user", content: "What is on at home?" }];
      for (let i = 1; i <= count; i++) {
        messages.push({ role: "assistant", content: [{ type: "tool_use", id: `toolu_${i}`, name: name(i), input: { call: i } }] });
        messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${i}`, content: `result ${i} ${"x".repeat(tokens * 4)}` }] });
      }
      return messages;
    }
    const clear = (edit: object = {}) => ({ context_management: { edits: [{ type: "clear_tool_uses_20250919" as const, ...edit }] } });
    const resultOf = (messages: any[], id: string) => messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).find((b: any) => b.type === "tool_result" && b.tool_use_id === id);

    it("replaces the oldest tool results past 100,000 tokens, keeping the last 3, server-side only", async () => {
      const messages = toolLoop(5, 25_000);
      const answer = await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, ...clear(), betas: [...CLEARING] });
      const request = api.messageRequests[0];
      assert.deepStrictEqual(request.context!.clearedToolUseIds, ["toolu_1", "toolu_2"]);
      const seen = request.context!.messages;
      assert.strictEqual(resultOf(seen, "toolu_1").content, CLEARED_TOOL_RESULT);
      assert.strictEqual(resultOf(seen, "toolu_2").content, CLEARED_TOOL_RESULT);
      for (const id of ["toolu_3", "toolu_4", "toolu_5"]) assert.ok(resultOf(seen, id).content.startsWith("result"), `${id} kept`);
      assert.ok(resultOf(request.body.messages, "toolu_1").content.startsWith("result 1"), "what the client sent is unchanged");
      const [edit] = answer.context_management!.applied_edits as any[];
      assert.strictEqual(edit.type, "clear_tool_uses_20250919");
      assert.strictEqual(edit.cleared_tool_uses, 2);
      const cleared = promptTokens({ model: MODEL, messages }) - promptTokens({ model: MODEL, messages: seen });
      assert.strictEqual(edit.cleared_input_tokens, cleared);
      assert.ok(cleared > 49_000, `${cleared}`);
      assert.ok(answer.usage.input_tokens < promptTokens({ messages }) - 49_000, `input ${answer.usage.input_tokens} is counted after clearing`);
    });

    it("clears nothing below the trigger", async () => {
      const answer = await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages: toolLoop(5, 15_000), ...clear(), betas: [...CLEARING] });
      assert.deepStrictEqual(answer.context_management, { applied_edits: [] });
      assert.deepStrictEqual(api.messageRequests[0].context!.clearedToolUseIds, []);
    });

    it("follows keep, exclude_tools, a tool_uses trigger and clear_tool_inputs", async () => {
      const named = (i: number) => (i === 1 ? "web_fetch" : "get_states");
      await client.beta.messages.create({
        model: MODEL,
        max_tokens: 100,
        messages: toolLoop(5, 100, named),
        ...clear({ trigger: { type: "tool_uses", value: 4 }, keep: { type: "tool_uses", value: 1 }, exclude_tools: ["web_fetch"], clear_tool_inputs: true }),
        betas: [...CLEARING],
      });
      const context = api.messageRequests[0].context!;
      assert.deepStrictEqual(context.clearedToolUseIds, ["toolu_2", "toolu_3", "toolu_4"]);
      assert.ok(resultOf(context.messages, "toolu_1").content.startsWith("result 1"), "excluded tool kept");
      const uses = context.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : [])).filter((b: any) => b.type === "tool_use");
      assert.deepStrictEqual(uses.map((u: any) => u.input), [{ call: 1 }, {}, {}, {}, { call: 5 }]);

      await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages: toolLoop(4, 100), ...clear({ trigger: { type: "tool_uses", value: 4 } }), betas: [...CLEARING] });
      assert.deepStrictEqual(api.messageRequests[1].context!.clearedToolUseIds, [], "4 tool uses do not exceed a trigger of 4");
    });

    it("clears only when at least clear_at_least tokens would go", async () => {
      const messages = toolLoop(5, 25_000);
      await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, ...clear({ clear_at_least: { type: "input_tokens", value: 60_000 } }), betas: [...CLEARING] });
      assert.deepStrictEqual(api.messageRequests[0].context!.clearedToolUseIds, []);
      await client.beta.messages.create({ model: MODEL, max_tokens: 100, messages, ...clear({ clear_at_least: { type: "input_tokens", value: 40_000 } }), betas: [...CLEARING] });
      assert.deepStrictEqual(api.messageRequests[1].context!.clearedToolUseIds, ["toolu_1", "toolu_2"]);
    });

    it("drops thinking of all but the last turn, or keeps all when asked", async () => {
      const turn = (i: number): BetaMessageParam[] => [
        { role: "user", content: `Question ${i}` },
        { role: "assistant", content: [{ type: "thinking", thinking: `Pondering ${i} ${"t".repeat(400)}`, signature: `sig-${i}` }, { type: "text", text: `Answer ${i}` }] },
      ];
      const messages = [...turn(1), ...turn(2), ...turn(3), { role: "user" as const, content: "Question 4" }];
      const base = { model: MODEL, max_tokens: 4000, thinking: { type: "enabled" as const, budget_tokens: 2000 }, messages, betas: [...CLEARING] };
      const answer = await client.beta.messages.create({ ...base, context_management: { edits: [{ type: "clear_thinking_20251015" }] } });
      const seen = api.messageRequests[0].context!.messages;
      const thinkingOf = (list: any[]) => list.filter((m) => m.role === "assistant").map((m) => m.content.filter((b: any) => b.type === "thinking").length);
      assert.deepStrictEqual(thinkingOf(seen), [0, 0, 1]);
      assert.deepStrictEqual(thinkingOf(messages), [1, 1, 1], "what the client sent is unchanged");
      const [edit] = answer.context_management!.applied_edits as any[];
      assert.strictEqual(edit.type, "clear_thinking_20251015");
      assert.strictEqual(edit.cleared_thinking_turns, 2);
      assert.strictEqual(edit.cleared_input_tokens, promptTokens({ messages }) - promptTokens({ messages: seen }));
      assert.strictEqual(api.messageRequests[0].context!.clearedThinkingTurns, 2);

      const kept = await client.beta.messages.create({ ...base, context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] } });
      assert.deepStrictEqual(thinkingOf(api.messageRequests[1].context!.messages), [1, 1, 1]);
      assert.deepStrictEqual(kept.context_management, { applied_edits: [] });
      await client.beta.messages.create({ ...base, context_management: { edits: [{ type: "clear_thinking_20251015", keep: { type: "thinking_turns", value: 2 } }] } });
      assert.deepStrictEqual(thinkingOf(api.messageRequests[2].context!.messages), [0, 1, 1]);
    });
  });

  describe("models endpoint", () => {
    it("reports the context management strategies each model takes", async () => {
      const sonnet = await client.models.retrieve(MODEL);
      assert.deepStrictEqual(sonnet.capabilities?.context_management, {
        supported: true,
        compact_20260112: { supported: true },
        clear_tool_uses_20250919: { supported: true },
        clear_thinking_20251015: { supported: true },
      });
      const opus = await client.models.retrieve("claude-opus-4-7");
      assert.strictEqual(opus.capabilities?.context_management.compact_20260112?.supported, true);
      const haiku = await client.models.retrieve("claude-haiku-4-5");
      assert.deepStrictEqual(haiku.capabilities?.context_management, { supported: false, compact_20260112: null, clear_tool_uses_20250919: null, clear_thinking_20251015: null });
      api.models = [{ id: "claude-clears-1", contextManagement: ["clear_tool_uses_20250919"] }];
      const some = await client.models.retrieve("claude-clears-1");
      assert.deepStrictEqual(some.capabilities?.context_management, {
        supported: true,
        compact_20260112: { supported: false },
        clear_tool_uses_20250919: { supported: true },
        clear_thinking_20251015: { supported: false },
      });
    });
  });
});
