import assert from "assert";
import { fitToModel } from "../../../nodes/lib/api/model-fit";
import { DEFAULT_OPTIONS } from "../../../nodes/lib/api/options";
import { ClaudeError } from "../../../nodes/lib/errors";

const failsWith = (key: string) => (err: unknown) => err instanceof ClaudeError && err.key === key && err.type === "invalid_options";
const flag = (supported: boolean) => ({ supported });

function entry(over: { adaptive?: boolean; enabled?: boolean; max_tokens?: number; effort?: Record<string, any>; search?: boolean; code?: boolean } = {}): any {
  return {
    max_tokens: over.max_tokens ?? 64000,
    capabilities: {
      thinking: { supported: !!(over.adaptive || over.enabled), types: { adaptive: flag(!!over.adaptive), enabled: flag(!!over.enabled), disabled: flag(true) } },
      effort: over.effort ?? { supported: false, low: flag(false), medium: flag(false), high: flag(false), xhigh: null, max: flag(false) },
      server_tools: { supported: true, web_search: flag(over.search ?? true), code_execution: flag(over.code ?? true) },
      code_execution: flag(over.code ?? true),
    },
  };
}

describe("fitting options to the model", () => {
  it("changes nothing for a model that takes the options, or when the model is unknown", () => {
    const options = { ...DEFAULT_OPTIONS, thinking: "budget" as const };
    assert.deepStrictEqual(fitToModel(options, entry({ enabled: true })), { options, notices: [] });
    const big = { ...DEFAULT_OPTIONS, maxTokens: 500000, thinking: "adaptive" as const, effort: "max" as const };
    assert.deepStrictEqual(fitToModel(big, undefined), { options: big, notices: [] });
  });

  it("maps adaptive to budget and budget to adaptive, and refuses when the model takes neither", () => {
    const toBudget = fitToModel({ ...DEFAULT_OPTIONS, thinking: "adaptive" }, entry({ enabled: true }));
    assert.strictEqual(toBudget.options.thinking, "budget");
    assert.deepStrictEqual(toBudget.notices, [{ key: "warnings.thinking-mapped", params: { model: "claude-haiku-4-5", from: "adaptive", to: "budget" } }]);
    assert.strictEqual(fitToModel({ ...DEFAULT_OPTIONS, thinking: "budget" }, entry({ adaptive: true })).options.thinking, "adaptive");
    assert.throws(() => fitToModel({ ...DEFAULT_OPTIONS, thinking: "adaptive" }, entry()), failsWith("errors.thinking-unsupported"));
    assert.strictEqual(fitToModel(DEFAULT_OPTIONS, entry()).options.thinking, "off", "off fits every model");
  });

  it("clamps max tokens to the model's maximum and re-checks the thinking budget against it", () => {
    const fitted = fitToModel({ ...DEFAULT_OPTIONS, maxTokens: 100000 }, entry({ max_tokens: 64000 }));
    assert.strictEqual(fitted.options.maxTokens, 64000);
    assert.deepStrictEqual(fitted.notices, [{ key: "warnings.max-tokens-clamped", params: { model: "claude-haiku-4-5", requested: 100000, maximum: 64000 } }]);
    assert.strictEqual(fitToModel({ ...DEFAULT_OPTIONS, maxTokens: 64000 }, entry()).notices.length, 0, "the maximum itself fits");
    const budget = { ...DEFAULT_OPTIONS, maxTokens: 100000, thinking: "budget" as const, thinkingBudget: 70000 };
    assert.throws(() => fitToModel(budget, entry({ enabled: true })), failsWith("errors.thinking-budget-too-large"));
  });

  it("drops an effort level the entry does not report supported (null included)", () => {
    const effort = { supported: true, low: flag(true), medium: flag(true), high: flag(true), xhigh: null, max: flag(true) };
    assert.strictEqual(fitToModel({ ...DEFAULT_OPTIONS, effort: "high" }, entry({ effort })).options.effort, "high");
    const dropped = fitToModel({ ...DEFAULT_OPTIONS, effort: "xhigh" }, entry({ effort }));
    assert.strictEqual(dropped.options.effort, "");
    assert.deepStrictEqual(dropped.notices, [{ key: "warnings.effort-dropped", params: { model: "claude-haiku-4-5", effort: "xhigh" } }]);
  });

  it("refuses a server tool the model's entry does not report", () => {
    assert.throws(() => fitToModel({ ...DEFAULT_OPTIONS, webSearch: { ...DEFAULT_OPTIONS.webSearch, enabled: true } }, entry({ search: false })), failsWith("errors.server-tool-unsupported"));
    assert.throws(() => fitToModel({ ...DEFAULT_OPTIONS, codeExecution: true }, entry({ code: false })), failsWith("errors.server-tool-unsupported"));
  });
});
