// A full history handled by the API instead of dropped turns: compaction (the API summarises older
// turns into a signed block the node stores and sends back) and context editing (the API clears old
// tool results from what Claude reads). The stand-in enforces both as the API does, including its
// context window, the beta headers and the signature of each summary.
import assert from "assert";
import { historyProblem } from "../nodes/lib/conversation/history";
import { AnthropicStandIn, DEFAULT_MODELS, lastUserText, type RecordedRequest } from "./standins/anthropic-standin";
import { betasOf, blocksOf, CLEARED_TOOL_RESULT, SUMMARY_PREFIX } from "./standins/context-management";
import { chatFlow, chatWithToolFlow, loadChat, say } from "./support/chat";
import { ALL_NODES, KEY, helper, nextMessage, useStandIn, warnings } from "./support/nodes";

const SONNET = "claude-sonnet-4-6";
const WINDOW = 150_000;
/** About 6,000 tokens of text, different each turn; the first says who is speaking. */
const big = (n: number) => (n === 1 ? "My name is Ada and I live in Berlin. " : `Message ${n}: `) + "the kitchen light and the hallway sensor ".repeat(600);

const betas = (request: RecordedRequest) => betasOf(request.headers);
const compactionsIn = (messages: any[]) => messages.flatMap((m) => blocksOf(m).filter((b) => b.type === "compaction"));

describe("a full history handled by the API", function () {
  this.timeout(120_000);
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
    api.contextLimit = WINDOW;
    api.models = DEFAULT_MODELS.map((m) => (m.id === SONNET ? { ...m, max_input_tokens: WINDOW } : m));
    api.fallback = (req) => ({ content: [{ type: "text", text: `Noted: ${lastUserText(req.body).slice(0, 12)}` }] });
  });

  it("compacts: the summary is stored as it came and sent back, the turns it replaced go, and every turn is answered", async () => {
    const nodes = await loadChat(api, { historyMode: "compact", maxHistoryTokens: 50_000 }, { model: SONNET });
    const storedBefore: any[][] = [];
    const answers: any[] = [];
    for (let n = 1; n <= 24; n++) {
      storedBefore.push(nodes.chat.context().get("conversation_house")?.messages ?? []);
      answers.push(await say(nodes, { payload: big(n), conversation_id: "house" }));
    }
    const requests = api.messageRequests;
    assert.strictEqual(requests.length, 24, "no request was refused or sent again");
    assert.ok(answers.every((a, i) => a.payload === `Noted: ${big(i + 1).slice(0, 12)}`), "every turn was answered");
    for (const r of requests) {
      assert.ok(betas(r).includes("compact-2026-01-12"), "through the beta client, with the compaction beta");
      assert.deepStrictEqual(r.body.context_management, { edits: [{ type: "compact_20260112", trigger: { type: "input_tokens", value: 50_000 } }] });
      assert.ok(r.context!.promptTokens <= WINDOW);
    }
    assert.ok(api.compactions >= 2, `compacted ${api.compactions} times`);
    assert.deepStrictEqual(warnings(nodes.chat).filter((w) => /context window|cannot summarise/.test(w)), []);

    // Each request sends the stored history as it was, summaries included, verbatim.
    requests.forEach((r, i) => assert.deepStrictEqual(r.body.messages.slice(0, -1), storedBefore[i], `request ${i + 1} sends the stored history`));
    const compacting = requests.map((r, i) => (r.context!.compaction ? i : -1)).filter((i) => i >= 0);
    for (const i of compacting) {
      assert.strictEqual(answers[i].claude.context_management.compacted, true);
      // The stored history now starts at the turn's question, then the answer with the summary first.
      const stored = i + 1 < storedBefore.length ? storedBefore[i + 1] : nodes.chat.context().get("conversation_house").messages;
      assert.strictEqual(stored.length, 2);
      assert.strictEqual(lastUserText({ messages: [stored[0]] }), big(i + 1));
      assert.strictEqual(stored[1].content[0].type, "compaction");
      assert.strictEqual(stored[1].content[0].content, requests[i].context!.compaction!.content);
      assert.match(stored[1].content[0].signature, /^sig-compaction-/);
      // The summary costs tokens: counted in the turn's usage beside the answer's own.
      assert.ok(answers[i].claude.usage.input_tokens >= requests[i].context!.compaction!.inputTokens, "the compaction's input is counted");
    }
    assert.ok(answers.filter((a) => a.claude.context_management.compacted).length === compacting.length, "only turns that compacted say so");

    // What Claude learned first survives every summary.
    const last = requests[requests.length - 1];
    assert.strictEqual(compactionsIn(last.body.messages).length, 1);
    assert.ok(last.context!.messages[0].content[0].content.startsWith(SUMMARY_PREFIX));
    assert.match(JSON.stringify(last.context!.messages), /My name is Ada/);
    const stored = nodes.chat.context().get("conversation_house");
    assert.strictEqual(historyProblem(stored.messages), undefined);
  });

  it("compacts while streaming: the summary block does not reach the text, and the turn adds up", async () => {
    await helper.load(
      ALL_NODES,
      [...chatFlow(api.url, { historyMode: "compact", maxHistoryTokens: 50_000, stream: true, streamInterval: 0, outputs: 2, wires: [["out"], ["parts"]] }, { model: SONNET }), { id: "parts", type: "helper", z: "tab" }],
      { account: { apiKey: KEY } },
    );
    const nodes = { chat: helper.getNode("chat"), out: helper.getNode("out") };
    let parts: string[] = [];
    helper.getNode("parts").on("input", (msg: any) => parts.push(msg.payload));
    let compacted: any;
    for (let n = 1; n <= 10 && !compacted; n++) {
      parts = [];
      const answer = await say(nodes, { payload: big(n), conversation_id: "s" });
      if (answer.claude.context_management.compacted) compacted = { answer, parts };
    }
    assert.ok(compacted, "a turn compacted");
    assert.match(compacted.answer.payload, /^Noted: /, "the answer is Claude's text alone");
    assert.strictEqual(compacted.parts.join(""), compacted.answer.payload, "the streamed text adds up to the answer");
    const stored = nodes.chat.context().get("conversation_s").messages;
    assert.strictEqual(stored[1].content[0].type, "compaction", "the streamed block was stored whole");
    assert.ok(stored[1].content[0].content.startsWith(SUMMARY_PREFIX));
  });

  it("a model that cannot summarise drops old turns instead, warns once, and reads an earlier summary as text", async () => {
    const nodes = await loadChat(api, { historyMode: "compact", maxHistoryTokens: 50_000 }, { model: SONNET });
    for (let n = 1; n <= 12 && api.compactions === 0; n++) await say(nodes, { payload: big(n), conversation_id: "house" });
    assert.strictEqual(api.compactions, 1);
    const summary = nodes.chat.context().get("conversation_house").messages[1].content[0].content;

    api.reset();
    for (let n = 1; n <= 3; n++) await say(nodes, { payload: `And now ${n}?`, conversation_id: "house", model: "claude-haiku-4-5" });
    const requests = api.messageRequests;
    assert.strictEqual(requests.length, 3);
    for (const r of requests) {
      assert.strictEqual(r.body.context_management, undefined);
      assert.deepStrictEqual(betas(r), []);
      assert.deepStrictEqual(compactionsIn(r.body.messages), [], "no compaction block reaches a request that does not compact");
    }
    assert.deepStrictEqual(requests[0].body.messages[1].content[0], { type: "text", text: `Summary of the earlier conversation:\n${summary}` });
    assert.deepStrictEqual(
      warnings(nodes.chat).filter((w) => /summarise/.test(w)),
      ["claude-haiku-4-5 cannot summarise a conversation (compaction): when a history is full, its oldest turns are dropped instead. Choose a model that can (Sonnet 4.6, Opus 4.6 or newer) to keep them summarised."],
    );
    // Back on a model that compacts, the stored block goes out as a block again.
    await say(nodes, { payload: "Back again", conversation_id: "house" });
    const back = api.messageRequests[3];
    assert.strictEqual(compactionsIn(back.body.messages).length, 1);
  });

  it("clears old tool results: the API keeps the last three in what Claude reads, the stored history keeps them all", async () => {
    await helper.load(ALL_NODES, chatWithToolFlow(api.url, { name: "states" }, { historyMode: "clear", maxHistoryTokens: 20_000, maxMessages: 0 }, { model: SONNET }), { account: { apiKey: KEY } });
    const chat = helper.getNode("chat");
    const out = helper.getNode("out");
    const result = helper.getNode("result");
    // About 5,000 tokens of entity states for every call.
    const states = "light.kitchen: on; ".repeat(1050);
    helper.getNode("calls").on("input", (msg: any) => result.receive({ ...msg, payload: states }));
    let call = 0;
    api.fallback = (req) => {
      const last = req.body.messages[req.body.messages.length - 1];
      if (Array.isArray(last.content) && last.content[0]?.type === "tool_result") return { content: [{ type: "text", text: "All lights are on." }] };
      return { content: [{ type: "tool_use", id: `toolu_${++call}`, name: "states", input: {} }] };
    };
    const answers: any[] = [];
    for (let n = 1; n <= 8; n++) {
      const answer = nextMessage(out);
      chat.receive({ payload: `How is the house? (${n})`, conversation_id: "house" });
      answers.push(await answer);
    }
    assert.ok(answers.every((a) => a.payload === "All lights are on."));
    const requests = api.messageRequests;
    for (const r of requests) {
      assert.ok(betas(r).includes("context-management-2025-06-27"));
      assert.deepStrictEqual(r.body.context_management.edits, [
        { type: "clear_tool_uses_20250919", trigger: { type: "input_tokens", value: 20_000 }, keep: { type: "tool_uses", value: 3 }, clear_at_least: { type: "input_tokens", value: 5_000 } },
      ]);
    }
    const cleared = requests.filter((r) => r.context!.clearedToolUseIds.length > 0);
    assert.ok(cleared.length > 0, "the API cleared old results");
    const lastRequest = requests[requests.length - 1];
    assert.deepStrictEqual(answers[answers.length - 1].claude.context_management, { compacted: false, applied_edits: lastRequest.context!.appliedEdits });
    const seen = JSON.stringify(lastRequest.context!.messages);
    assert.ok(seen.includes(CLEARED_TOOL_RESULT));
    assert.ok(lastRequest.context!.promptTokens < 20_000 + 6_000, `Claude read ${lastRequest.context!.promptTokens} tokens`);
    // Cleared only in what Claude read: the node sent, and keeps, every result whole.
    const sentResults = lastRequest.body.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content.filter((b: any) => b.type === "tool_result") : []));
    assert.strictEqual(sentResults.length, 8);
    assert.ok(sentResults.every((b: any) => JSON.stringify(b.content).includes(states)));
    assert.strictEqual(historyProblem(chat.context().get("conversation_house").messages), undefined);
  });
});
