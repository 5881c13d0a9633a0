import assert from "assert";
import type { ModelCapabilities } from "@anthropic-ai/sdk/resources/models";
import { betasFor, COMPACTION_MIN_TRIGGER, planEdits } from "../../../nodes/lib/api/context-editing";
import { buildRequest } from "../../../nodes/lib/api/request";
import { optionsFromConfig } from "../../../nodes/lib/api/options";
import { compactionUsage, totalTokens } from "../../../nodes/lib/api/usage";

/** A model's capabilities as the models endpoint reports them, with these context management strategies. */
function takes(...strategies: string[]): ModelCapabilities {
  const flag = (s: string) => ({ supported: strategies.includes(s) });
  return {
    context_management: {
      supported: strategies.length > 0,
      compact_20260112: flag("compact_20260112"),
      clear_tool_uses_20250919: flag("clear_tool_uses_20250919"),
      clear_thinking_20251015: flag("clear_thinking_20251015"),
    },
  } as unknown as ModelCapabilities;
}
const ALL = takes("compact_20260112", "clear_tool_uses_20250919", "clear_thinking_20251015");

describe("context editing", () => {
  it("trims by itself: no edits, whatever the model takes", () => {
    assert.deepStrictEqual(planEdits("trim", 50_000, true, ALL), { edits: [] });
  });

  it("compacts at the history's cap, never below the API's lowest trigger", () => {
    assert.deepStrictEqual(planEdits("compact", 80_000, false, ALL).edits, [{ type: "compact_20260112", trigger: { type: "input_tokens", value: 80_000 } }]);
    assert.deepStrictEqual(planEdits("compact", 10_000, false, ALL).edits, [{ type: "compact_20260112", trigger: { type: "input_tokens", value: COMPACTION_MIN_TRIGGER } }]);
    assert.strictEqual(COMPACTION_MIN_TRIGGER, 50_000);
  });

  it("clears old tool results at the cap, in steps of a quarter of it, keeping the last three tool uses", () => {
    assert.deepStrictEqual(planEdits("clear", 40_000, false, ALL).edits, [
      { type: "clear_tool_uses_20250919", trigger: { type: "input_tokens", value: 40_000 }, keep: { type: "tool_uses", value: 3 }, clear_at_least: { type: "input_tokens", value: 10_000 } },
    ]);
  });

  it("clears thinking too when the request thinks, as the first edit (the API wants it first)", () => {
    const edits = planEdits("clear", 40_000, true, ALL).edits;
    assert.deepStrictEqual(edits.map((e) => e.type), ["clear_thinking_20251015", "clear_tool_uses_20250919"]);
    assert.deepStrictEqual(edits[0], { type: "clear_thinking_20251015", keep: { type: "thinking_turns", value: 1 } });
    assert.deepStrictEqual(planEdits("clear", 40_000, true, takes("clear_tool_uses_20250919")).edits.map((e) => e.type), ["clear_tool_uses_20250919"], "not where the model cannot");
  });

  it("falls back to dropping turns where the model's entry says it cannot, and says which mode it could not do", () => {
    assert.deepStrictEqual(planEdits("compact", 50_000, false, takes("clear_tool_uses_20250919")), { edits: [], unsupported: "compact" });
    assert.deepStrictEqual(planEdits("clear", 50_000, false, takes("compact_20260112")), { edits: [], unsupported: "clear" });
    assert.deepStrictEqual(planEdits("compact", 50_000, false, takes()), { edits: [], unsupported: "compact" });
    assert.deepStrictEqual(planEdits("clear", 0, false, ALL), { edits: [], unsupported: "clear" }, "clearing needs a cap to trigger at");
  });

  it("sends the mode as set when the model's entry could not be asked", () => {
    assert.strictEqual(planEdits("compact", 50_000, false, undefined).edits.length, 1);
    assert.strictEqual(planEdits("clear", 50_000, false, null).edits.length, 1);
  });

  it("names each beta the edits need once", () => {
    assert.deepStrictEqual(betasFor(planEdits("compact", 50_000, false, ALL).edits), ["compact-2026-01-12"]);
    assert.deepStrictEqual(betasFor(planEdits("clear", 50_000, true, ALL).edits), ["context-management-2025-06-27"]);
    assert.deepStrictEqual(betasFor([]), []);
  });

  it("puts the edits into the request, and nothing when there are none", () => {
    const options = optionsFromConfig({});
    const edits = planEdits("compact", 50_000, false, ALL).edits;
    const params = buildRequest(options, { messages: [{ role: "user", content: "hi" }], contextEdits: edits });
    assert.deepStrictEqual(params.context_management, { edits });
    assert.strictEqual("context_management" in buildRequest(options, { messages: [{ role: "user", content: "hi" }], contextEdits: [] }), false);
  });

  it("counts the tokens a compaction used, which the API leaves out of the top-level usage", () => {
    const usage = {
      input_tokens: 900,
      output_tokens: 50,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 100,
      iterations: [
        { type: "compaction", input_tokens: 60_000, output_tokens: 700, cache_creation_input_tokens: 0, cache_read_input_tokens: 5 },
        { type: "message", input_tokens: 900, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
      ],
    };
    assert.deepStrictEqual(compactionUsage(usage), { input_tokens: 60_000, output_tokens: 700, cache_creation_input_tokens: 0, cache_read_input_tokens: 5 });
    assert.strictEqual(totalTokens(usage as any), 900 + 50 + 100 + 60_000 + 700 + 5);
    assert.strictEqual(totalTokens({ input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 3, cache_read_input_tokens: 4 }), 10, "usage without iterations as before");
  });
});
