import assert from "assert";
import type { ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { MemoryToolSource, MEMORY_TOOL } from "../../../nodes/lib/memory-tool/memory-source";
import { MemoryStore, memoryKey } from "../../../nodes/lib/memory-tool/store";
import { ToolSet } from "../../../nodes/lib/tools/tool-set";
import type { ToolSource } from "../../../nodes/lib/tools/tool-source";
import { memoryContext } from "../../support/memory-context";

const call = (id: string, input: Record<string, unknown>): ToolUseBlock => ({ type: "tool_use", id, name: "memory", input }) as ToolUseBlock;
const origin = (msg: Record<string, unknown> = {}) => ({ conversationId: "c", msg });
const signal = new AbortController().signal;

describe("memory tool store and source", () => {
  it("keeps each memory under its own flat context key, apart from conversations", async () => {
    const context = memoryContext();
    const store = new MemoryStore(context, undefined);
    await store.run("house.1", { command: "create", path: "/memories/a.md", file_text: "tea" });
    assert.deepStrictEqual([...context.data.keys()], ["claude_memory_house%2E1"]);
    assert.strictEqual(memoryKey("house.1"), "claude_memory_house%2E1");
    assert.deepStrictEqual(await store.files("house.1"), { "/memories/a.md": "tea" });
    assert.deepStrictEqual(await store.files("other"), {});
  });

  it("runs commands on one memory one after another, so concurrent writes are all kept", async () => {
    const store = new MemoryStore(memoryContext(), undefined);
    await store.run("m", { command: "create", path: "/memories/list.md", file_text: "start" });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.run("m", { command: "insert", path: "/memories/list.md", insert_line: 1, insert_text: `item ${i}` })));
    assert.strictEqual((await store.files("m"))["/memories/list.md"].split("\n").length, 21);
  });

  it("forgets a memory, and removes the key once the last file is deleted", async () => {
    const context = memoryContext();
    const store = new MemoryStore(context, undefined);
    await store.run("m", { command: "create", path: "/memories/a.md", file_text: "x" });
    await store.forget("m");
    assert.strictEqual(context.data.size, 0);
    await store.run("m", { command: "create", path: "/memories/a.md", file_text: "x" });
    await store.run("m", { command: "delete", path: "/memories/a.md" });
    assert.strictEqual(context.data.size, 0);
  });

  it("treats a hand-edited stored value as an empty memory, keeping only files under /memories", async () => {
    const context = memoryContext();
    context.data.set(memoryKey("m"), { files: { "/etc/passwd": "x", "/memories/ok.md": "fine", "/memories/bad.md": 42 } });
    const store = new MemoryStore(context, undefined);
    assert.deepStrictEqual(await store.files("m"), { "/memories/ok.md": "fine" });
    context.data.set(memoryKey("n"), "not a memory");
    assert.match(await store.run("n", { command: "view", path: "/memories" }), /0B\t\/memories$/);
  });

  it("the source offers the memory tool and answers refused paths with an error result", async () => {
    const store = new MemoryStore(memoryContext(), undefined);
    const source = new MemoryToolSource(store, (o) => String(o.msg.memory_id ?? "node"));
    assert.deepStrictEqual(await source.tools(), [{ type: "memory_20250818", name: "memory" }]);
    const created = await source.call(call("t1", { command: "create", path: "/memories/a.md", file_text: "Anna" }), origin({ memory_id: "family" }));
    assert.deepStrictEqual(created.block, { type: "tool_result", tool_use_id: "t1", content: "File created successfully at: /memories/a.md" });
    assert.deepStrictEqual(await store.files("family"), { "/memories/a.md": "Anna" });
    assert.deepStrictEqual(await store.files("node"), {}, "another memory id sees nothing of it");
    const escape = await source.call(call("t2", { command: "view", path: "/memories/%2e%2e/x" }), origin());
    assert.strictEqual(escape.block.is_error, true);
    assert.match(String(escape.block.content), /^Error: The path \/memories\/%2e%2e\/x would leave/);
  });

  it("a tool set keeps the memory tool's name and definition; a tool node called memory gives way", async () => {
    const store = new MemoryStore(memoryContext(), undefined);
    const memorySource = new MemoryToolSource(store, () => "m");
    const flowTool: ToolSource = {
      label: "memory",
      tools: async () => [{ name: "memory", description: "a flow tool", input_schema: { type: "object", properties: {} } }],
      call: async (c) => ({ block: { type: "tool_result", tool_use_id: c.id, content: "flow" }, record: { id: c.id, name: c.name, input: c.input, result: "flow", is_error: false } }),
    };
    const texts = { unknownTool: () => "unknown", failed: () => "failed" };
    const set = await ToolSet.gather([flowTool, memorySource, memorySource], texts, signal);
    assert.deepStrictEqual(set.definitions, [{ ...flowTool && { name: "memory_2", description: "a flow tool", input_schema: { type: "object", properties: {} } } }, MEMORY_TOOL]);
    const [mem, flow] = await set.run([call("a", { command: "view", path: "/memories" }), { ...call("b", {}), name: "memory_2" }], origin(), signal);
    assert.match(String(mem.block.content), /^Here're the files/);
    assert.strictEqual(flow.block.content, "flow");
  });
});
