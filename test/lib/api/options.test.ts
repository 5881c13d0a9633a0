import assert from "assert";
import { DEFAULT_OPTIONS, applyOverrides, optionsFromConfig } from "../../../nodes/lib/api/options";
import { ClaudeError } from "../../../nodes/lib/errors";
import { buildRequest } from "../../../nodes/lib/api/request";

const failsWith = (key: string) => (err: unknown) => err instanceof ClaudeError && err.key === key && err.type === "invalid_options";

describe("model options", () => {
  it("fills defaults as Home Assistant recommends", () => {
    assert.deepStrictEqual(optionsFromConfig({}), DEFAULT_OPTIONS);
    assert.strictEqual(DEFAULT_OPTIONS.model, "claude-haiku-4-5");
    assert.strictEqual(DEFAULT_OPTIONS.maxTokens, 3000);
    assert.strictEqual(DEFAULT_OPTIONS.caching, "conversation");
  });

  it("reads the editor's strings", () => {
    const options = optionsFromConfig({ model: " claude-sonnet-4-6 ", maxTokens: "8000", thinking: "budget", thinkingBudget: "2048", webSearch: true, webSearchDomains: "a.com, b.org\nc.net", webSearchCountry: "DE" });
    assert.strictEqual(options.model, "claude-sonnet-4-6");
    assert.strictEqual(options.maxTokens, 8000);
    assert.strictEqual(options.thinkingBudget, 2048);
    assert.deepStrictEqual(options.webSearch, { enabled: true, maxUses: 5, allowedDomains: ["a.com", "b.org", "c.net"], location: { country: "DE" } });
  });

  it("rejects a thinking budget below 1024 or not below max tokens", () => {
    assert.throws(() => optionsFromConfig({ thinking: "budget", thinkingBudget: 500 }), failsWith("errors.thinking-budget-too-small"));
    assert.throws(() => optionsFromConfig({ thinking: "budget", thinkingBudget: 3000, maxTokens: 3000 }), failsWith("errors.thinking-budget-too-large"));
  });

  it("applies per-message overrides and rejects bad ones", () => {
    const options = applyOverrides(DEFAULT_OPTIONS, { model: "claude-opus-4-7", max_tokens: 9000, effort: "high", thinking: "adaptive" });
    assert.deepStrictEqual([options.model, options.maxTokens, options.effort, options.thinking], ["claude-opus-4-7", 9000, "high", "adaptive"]);
    assert.strictEqual(DEFAULT_OPTIONS.model, "claude-haiku-4-5", "defaults unchanged");
    assert.throws(() => applyOverrides(DEFAULT_OPTIONS, { max_tokens: -1 }), failsWith("errors.bad-override"));
    for (const zero of [0, "0", ""]) {
      assert.throws(() => applyOverrides(DEFAULT_OPTIONS, { max_tokens: zero }), failsWith("errors.bad-override"), `max_tokens ${JSON.stringify(zero)}`);
    }
    assert.strictEqual(applyOverrides(DEFAULT_OPTIONS, { max_tokens: 1 }).maxTokens, 1, "the smallest usable value");
    assert.throws(() => applyOverrides(DEFAULT_OPTIONS, { effort: "turbo" }), failsWith("errors.bad-override"));
    assert.throws(() => applyOverrides(DEFAULT_OPTIONS, { thinking: "lots" }), failsWith("errors.bad-override"));
  });
});

describe("request builder", () => {
  const messages = [{ role: "user" as const, content: "hi" }];

  it("sends no thinking, effort, sampling or cache fields the settings do not ask for", () => {
    const params = buildRequest({ ...DEFAULT_OPTIONS, caching: "off" }, { messages });
    assert.deepStrictEqual(params, { model: "claude-haiku-4-5", max_tokens: 3000, messages });
  });

  it("adds the server tools with their limits, in the newest versions", () => {
    const options = optionsFromConfig({ webSearch: true, webSearchMaxUses: 3, webSearchDomains: "example.com", webSearchCity: "Berlin", webFetch: true, codeExecution: true });
    const params = buildRequest(options, { messages });
    assert.deepStrictEqual(params.tools, [
      { type: "web_search_20260318", name: "web_search", max_uses: 3, allowed_domains: ["example.com"], user_location: { type: "approximate", city: "Berlin" } },
      { type: "web_fetch_20260318", name: "web_fetch", max_uses: 5 },
      { type: "code_execution_20260521", name: "code_execution" },
    ]);
    assert.strictEqual(buildRequest(options, { messages, serverTools: false }).tools, undefined);
  });

  it("sends effort only when the model's capabilities say it takes that level", () => {
    const options = { ...DEFAULT_OPTIONS, effort: "max" as const };
    const takes = { effort: { supported: true, max: { supported: true } } } as any;
    const lacksMax = { effort: { supported: true, max: { supported: false } } } as any;
    assert.deepStrictEqual(buildRequest(options, { messages }, takes).output_config, { effort: "max" });
    assert.strictEqual(buildRequest(options, { messages }, lacksMax).output_config, undefined);
    assert.strictEqual(buildRequest(options, { messages }, undefined).output_config, undefined);
  });

  it("maps thinking modes, asking for summarized thinking", () => {
    assert.deepStrictEqual(buildRequest({ ...DEFAULT_OPTIONS, thinking: "adaptive" }, { messages }).thinking, { type: "adaptive", display: "summarized" });
    assert.deepStrictEqual(buildRequest({ ...DEFAULT_OPTIONS, thinking: "budget", thinkingBudget: 2000 }, { messages }).thinking, { type: "enabled", budget_tokens: 2000, display: "summarized" });
  });

  it("sends thinking off as disabled only where the model's entry takes it", () => {
    const takes = (disabled: boolean) => ({ thinking: { supported: true, types: { disabled: { supported: disabled } } } }) as any;
    assert.deepStrictEqual(buildRequest(DEFAULT_OPTIONS, { messages }, takes(true)).thinking, { type: "disabled" });
    assert.strictEqual(buildRequest(DEFAULT_OPTIONS, { messages }, takes(false)).thinking, undefined);
    assert.strictEqual(buildRequest(DEFAULT_OPTIONS, { messages }, undefined).thinking, undefined, "unknown model: left to the API");
  });

  it("does not send an effort level the entry reports as null", () => {
    const options = { ...DEFAULT_OPTIONS, effort: "xhigh" as const };
    const nullLevel = { effort: { supported: true, high: { supported: true }, xhigh: null } } as any;
    assert.strictEqual(buildRequest(options, { messages }, nullLevel).output_config, undefined);
    const reported = { effort: { supported: true, high: { supported: true }, xhigh: { supported: true } } } as any;
    assert.deepStrictEqual(buildRequest(options, { messages }, reported).output_config, { effort: "xhigh" });
  });
});
