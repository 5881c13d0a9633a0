import assert from "assert";
import type { ToolSource } from "../nodes/lib/tools/tool-source";
import { ToolSourceRegistry } from "../nodes/runtime/tool-sources";
import { ClaudeError } from "../nodes/lib/errors";

function source(label: string): ToolSource {
  return { label, tools: async () => [], call: async () => { throw new Error("not called"); } };
}

describe("tool source registry", () => {
  it("gives a conversation the sources on its own tab by default, and the listed ones when selected", () => {
    const registry = new ToolSourceRegistry();
    const here = source("here");
    const there = source("there");
    const server = source("server");
    registry.add({ id: "t1", kind: "claude-tool", z: "tab1", source: here });
    registry.add({ id: "t2", kind: "claude-tool", z: "tab2", source: there });
    registry.add({ id: "mcp", kind: "claude-mcp", source: server });
    assert.deepStrictEqual(registry.select({ mode: "all", z: "tab1" }), [here]);
    assert.deepStrictEqual(registry.select({ z: "tab2" }), [there], "all is the default");
    assert.deepStrictEqual(registry.select({ mode: "selected", ids: ["mcp", "t2", "gone"], z: "tab1" }), [server, there]);
    assert.deepStrictEqual(registry.select({ mode: "none", z: "tab1" }), []);
  });

  it("forgets a source when its node closes, but not a newer registration of the same node", () => {
    const registry = new ToolSourceRegistry();
    const old = source("lights");
    const removeOld = registry.add({ id: "t1", kind: "claude-tool", z: "tab", source: old });
    const fresh = source("lights");
    const removeFresh = registry.add({ id: "t1", kind: "claude-tool", z: "tab", source: fresh });
    removeOld();
    assert.deepStrictEqual(registry.select({ z: "tab" }), [fresh]);
    removeFresh();
    assert.deepStrictEqual(registry.select({ z: "tab" }), []);
    assert.deepStrictEqual(registry.select({ mode: "selected", ids: ["t1"] }), []);
  });

  it("says which name two tool nodes share", () => {
    const registry = new ToolSourceRegistry();
    registry.add({ id: "t1", kind: "claude-tool", z: "tab", source: source("lights") });
    registry.add({ id: "t2", kind: "claude-tool", z: "tab", source: source("lights") });
    assert.throws(() => registry.select({ z: "tab" }), (err: unknown) => err instanceof ClaudeError && err.key === "errors.duplicate-tool" && err.params.name === "lights");
  });
});
