import assert from "assert";
import type { Tool } from "@anthropic-ai/sdk/resources/messages";
import { DEFAULT_TOOL_SEARCH_ABOVE, withToolSearch } from "../../../nodes/lib/tools/tool-search";

const tools = (n: number): Tool[] => ["HassTurnOn", ...Array.from({ length: n - 1 }, (_, i) => `t${i}`)].map((name) => ({ name, input_schema: { type: "object" } }));

describe("tool search", () => {
  it("leaves the tools alone up to the threshold, and when switched off", () => {
    assert.strictEqual(DEFAULT_TOOL_SEARCH_ABOVE, 30);
    assert.deepStrictEqual(withToolSearch(tools(30), "claude-sonnet-4-5", 30), tools(30));
    assert.deepStrictEqual(withToolSearch(tools(100), "claude-sonnet-4-5", 0), tools(100));
  });

  it("above it, defers all but the always-loaded tools and adds the search tool", () => {
    const sent = withToolSearch(tools(31), "claude-opus-4-5", 30) as any[];
    assert.strictEqual(sent.length, 32);
    assert.strictEqual(sent[0].defer_loading, undefined, "HassTurnOn stays loaded");
    assert.ok(sent.slice(1, 31).every((t) => t.defer_loading === true));
    assert.deepStrictEqual(sent[31], { type: "tool_search_tool_bm25_20251119", name: "tool_search_tool_bm25" });
  });

  it("never on Haiku models", () => {
    assert.deepStrictEqual(withToolSearch(tools(40), "claude-haiku-4-5", 30), tools(40));
  });

  it("keeps the memory tool loaded: Claude looks at its memory before anything else", () => {
    const sent = withToolSearch([{ type: "memory_20250818", name: "memory" }, ...tools(31)], "claude-sonnet-4-6", 30) as any[];
    assert.deepStrictEqual(sent[0], { type: "memory_20250818", name: "memory" });
    assert.ok(sent.slice(2, 32).every((t) => t.defer_loading === true));
  });
});
