// Every request fits the model that answers it, by what the models endpoint says about that model:
// thinking, effort, max tokens, thinking off and display, server tool versions. The stand-in refuses
// what the real API refuses, so a request that does not fit fails these tests.
import assert from "assert";
import { DEFAULT_MODELS, type AnthropicStandIn, type ModelEntry } from "./standins/anthropic-standin";
import { loadChat, say } from "./support/chat";
import { ALL_NODES, KEY, account, helper, nextError, nextMessage, useStandIn } from "./support/nodes";

const catchNode = require("@node-red/nodes/core/common/25-catch.js");

/** Models with what the default ones lack: thinking by default, no "disabled", tool versions per model. */
const MORE_MODELS: ModelEntry[] = [
  { id: "claude-thinker-5", max_tokens: 128000, effort: true, effortLevels: { xhigh: true }, adaptive: true, enabledThinking: false, thinksByDefault: true, omitsThinking: true, structured_outputs: true },
  { id: "claude-always-on-1", max_tokens: 64000, adaptive: true, enabledThinking: false, disabledThinking: false, thinksByDefault: true, structured_outputs: true },
  { id: "claude-basic-tools-1", max_tokens: 64000, enabledThinking: true, structured_outputs: true, serverToolVersions: ["web_search_20250305", "web_fetch_20250910"] },
  {
    id: "claude-direct-tools-1",
    max_tokens: 64000,
    enabledThinking: true,
    structured_outputs: true,
    serverToolVersions: ["web_search_20250305", "web_fetch_20250910", "code_execution_20250825", "code_execution_20260120"],
  },
  { id: "claude-direct-only-1", max_tokens: 64000, enabledThinking: true, structured_outputs: true, directCallersOnly: true },
  { id: "claude-no-search-1", max_tokens: 64000, enabledThinking: true, structured_outputs: true, serverToolVersions: ["code_execution_20250825"] },
];

const THOUGHT = { type: "thinking", thinking: "The user wants a greeting.", signature: "sig-1" };

function warnings(node: any, pattern: RegExp): string[] {
  return node.warn.args.map((a: any[]) => String(a[0])).filter((text: string) => pattern.test(text));
}

describe("requests fit the model's capabilities", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
    api.models = [...DEFAULT_MODELS, ...MORE_MODELS];
  });

  describe("thinking the model does not take", () => {
    it("sends adaptive thinking as a budget to a model that takes only budgets, warning once", async () => {
      const nodes = await loadChat(api, {}, { thinking: "adaptive", thinkingBudget: 2000 });
      await say(nodes, { payload: "Hi", conversation_id: "a" });
      await say(nodes, { payload: "Hi again", conversation_id: "a" });
      for (const request of api.messageRequests) {
        assert.deepStrictEqual(request.body.thinking, { type: "enabled", budget_tokens: 2000, display: "summarized" });
      }
      assert.strictEqual(api.messageRequests.length, 2, "no request was refused");
      assert.strictEqual(warnings(nodes.chat, /claude-haiku-4-5.*"adaptive".*"budget"/).length, 1);
    });

    it("sends a budget from msg.thinking as adaptive thinking to a model that takes only adaptive", async () => {
      const nodes = await loadChat(api);
      const msg = await say(nodes, { payload: "Hi", model: "claude-opus-4-7", thinking: 2048 });
      assert.strictEqual(msg.payload, "You said: Hi");
      assert.deepStrictEqual(api.messageRequests[0].body.thinking, { type: "adaptive", display: "summarized" });
      assert.strictEqual(warnings(nodes.chat, /claude-opus-4-7.*"budget".*"adaptive"/).length, 1);
    });

    it("refuses thinking before any request when the model takes neither kind", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-legacy-1", thinking: "adaptive" });
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "Hi" });
      const { text, msg } = await failed;
      assert.match(text, /claude-legacy-1 takes no thinking/);
      assert.strictEqual(msg.error.type, "invalid_options");
      assert.strictEqual(api.messageRequests.length, 0);
    });
  });

  describe("effort levels", () => {
    it("sends no level the model's entry reports as null, and sends the ones it supports", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-sonnet-4-6", effort: "xhigh" });
      await say(nodes, { payload: "Hi" });
      assert.strictEqual(api.messageRequests[0].body.output_config, undefined, "Sonnet 4.6 reports xhigh as null");
      assert.strictEqual(warnings(nodes.chat, /"xhigh"/).length, 1);
      await say(nodes, { payload: "Hi", model: "claude-thinker-5" });
      assert.deepStrictEqual(api.messageRequests[1].body.output_config, { effort: "xhigh" });
    });
  });

  describe("max tokens", () => {
    it("clamps the account's max tokens to the model's maximum, with a warning", async () => {
      const nodes = await loadChat(api, {}, { maxTokens: 100000 });
      await say(nodes, { payload: "Hi" });
      assert.strictEqual(api.messageRequests[0].body.max_tokens, 64000);
      assert.strictEqual(warnings(nodes.chat, /100000.*claude-haiku-4-5.*64000/).length, 1);
    });

    it("clamps msg.max_tokens to the maximum of the model msg.model names", async () => {
      const nodes = await loadChat(api);
      await say(nodes, { payload: "Hi", model: "claude-sonnet-4-6", max_tokens: 200000 });
      await say(nodes, { payload: "Hi", model: "claude-sonnet-4-6", max_tokens: 5000 });
      assert.deepStrictEqual(api.messageRequests.map((r) => r.body.max_tokens), [128000, 5000]);
    });

    it("refuses a thinking budget that no longer fits under the clamped maximum", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-basic-tools-1", maxTokens: 100000, thinking: "budget", thinkingBudget: 70000 });
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "Hi" });
      assert.match((await failed).text, /The thinking budget \(70000\) must be less than max tokens \(64000\)/);
      assert.strictEqual(api.messageRequests.length, 0);
    });

    it("uses the default for a max tokens below 1 typed in the dialog, never 0", async () => {
      const nodes = await loadChat(api, {}, { maxTokens: "0.5" });
      await say(nodes, { payload: "Hi" });
      assert.strictEqual(api.messageRequests[0].body.max_tokens, 3000);
    });
  });

  describe("thinking off and thinking display", () => {
    it("asks for summarized thinking, so a model that omits it by default still shows it", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-opus-4-7", thinking: "adaptive" });
      api.reply({ content: [THOUGHT, { type: "text", text: "Hello!" }] });
      const msg = await say(nodes, { payload: "Hi" });
      assert.strictEqual(msg.claude.thinking, "The user wants a greeting.");
    });

    it("sends thinking off as disabled, so a model that thinks by default does not", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-thinker-5" });
      const msg = await say(nodes, { payload: "Hi" });
      assert.deepStrictEqual(api.messageRequests[0].body.thinking, { type: "disabled" });
      assert.deepStrictEqual(msg.claude.content.map((b: any) => b.type), ["text"]);
    });

    it("leaves thinking out for a model that does not take disabled", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-always-on-1" });
      const msg = await say(nodes, { payload: "Hi" });
      assert.strictEqual(api.messageRequests[0].body.thinking, undefined);
      assert.strictEqual(msg.payload, "You said: Hi");
    });
  });

  describe("server tool versions", () => {
    const allTools = { webSearch: true, webFetch: true, codeExecution: true };
    const typesOf = (body: any) => body.tools.map((t: any) => t.type);

    it("names the newest versions the SDK knows where the model takes them", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-sonnet-4-6", ...allTools });
      await say(nodes, { payload: "Search" });
      assert.deepStrictEqual(typesOf(api.messageRequests[0].body), ["web_search_20260318", "web_fetch_20260318", "code_execution_20260521"]);
    });

    it("names the versions without code for a model whose entry reports no code execution", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-basic-tools-1", webSearch: true, webFetch: true });
      await say(nodes, { payload: "Search" });
      assert.strictEqual(api.messageRequests.length, 1, "nothing refused");
      assert.deepStrictEqual(typesOf(api.messageRequests[0].body), ["web_search_20250305", "web_fetch_20250910"]);
    });

    it("falls back to older versions the API says the model takes, and keeps them for the next turn", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-direct-tools-1", webSearch: true, codeExecution: true });
      const msg = await say(nodes, { payload: "Search" });
      assert.strictEqual(msg.payload, "You said: Search");
      const sent = api.messageRequests.map((r) => typesOf(r.body));
      assert.deepStrictEqual(sent[sent.length - 1], ["web_search_20250305", "code_execution_20260120"]);
      const tried = sent.length;
      await say(nodes, { payload: "Again" });
      assert.strictEqual(api.messageRequests.length, tried + 1, "the second turn is sent once, in versions the model takes");
      assert.deepStrictEqual(sent[sent.length - 1], typesOf(api.messageRequests[tried].body));
    });

    it("falls back to the versions without code when the API asks a model for direct callers only", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-direct-only-1", webSearch: true, webFetch: true });
      await say(nodes, { payload: "Search" });
      await say(nodes, { payload: "Again" });
      const sent = api.messageRequests.map((r) => typesOf(r.body));
      assert.deepStrictEqual(sent, [
        ["web_search_20260318", "web_fetch_20260318"],
        ["web_search_20250305", "web_fetch_20250910"],
        ["web_search_20250305", "web_fetch_20250910"],
      ]);
    });

    it("refuses before any request a server tool the model's entry does not report", async () => {
      const nodes = await loadChat(api, {}, { model: "claude-no-search-1", webSearch: true });
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "Search" });
      assert.match((await failed).text, /claude-no-search-1 does not take web_search/);
      assert.strictEqual(api.messageRequests.length, 0);
    });
  });

  describe("generate data", () => {
    it("fits its requests too: thinking mapped, max tokens clamped", async () => {
      const flow = [
        { id: "tab", type: "tab", label: "test" },
        account(api.url, { maxTokens: 90000, thinking: "adaptive" }),
        { id: "gen", type: "claude-generate-data", z: "tab", config: "account", instructions: "Count the cars.", wires: [["out"]] },
        { id: "out", type: "helper", z: "tab" },
      ];
      await helper.load([...ALL_NODES, catchNode], flow, { account: { apiKey: KEY } });
      const out = helper.getNode("out");
      const answer = nextMessage(out);
      helper.getNode("gen").receive({ payload: "Two cars." });
      await answer;
      const body = api.messageRequests[0].body;
      assert.strictEqual(body.max_tokens, 64000);
      assert.deepStrictEqual(body.thinking, { type: "enabled", budget_tokens: 1024, display: "summarized" });
    });
  });
});
