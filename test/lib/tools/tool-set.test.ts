import assert from "assert";
import type { Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../../../nodes/lib/conversation/turn";
import { ToolSet } from "../../../nodes/lib/tools/tool-set";
import type { ToolSource } from "../../../nodes/lib/tools/tool-source";
import { errorOutcome, type CallOrigin } from "../../../nodes/lib/tools/tools";

const texts = {
  unknownTool: (name: string, known: string[]) => `no ${name}; known: ${known.join(",")}`,
  failed: (name: string) => `${name} failed`,
};
const origin: CallOrigin = { conversationId: "c1", msg: {} };
const signal = new AbortController().signal;
const SECRET = "sk-ant-secret-key";

function tool(name: string): Tool {
  return { name, input_schema: { type: "object", properties: {} } };
}

function call(name: string, id = `toolu_${name}`): ToolUseBlock {
  return { type: "tool_use", id, name, input: { x: 1 } } as ToolUseBlock;
}

/** A source that answers every call with the name it was called by and who it is. */
function source(label: string, names: string[], answer?: (call: ToolUseBlock) => Promise<ToolOutcome>): ToolSource & { calls: ToolUseBlock[] } {
  const calls: ToolUseBlock[] = [];
  return {
    label,
    calls,
    tools: async () => names.map(tool),
    call: async (c) => {
      calls.push(c);
      if (answer) return answer(c);
      const text = `${label}:${c.name}`;
      return { block: { type: "tool_result", tool_use_id: c.id, content: text }, record: { id: c.id, name: c.name, input: c.input, result: text, is_error: false } };
    },
  };
}

describe("tool-set", () => {
  it("offers every source's tools and runs each call through the source that offered it", async () => {
    const a = source("a", ["lights", "weather"]);
    const b = source("b", ["calendar"]);
    const set = await ToolSet.gather([a, b], texts, signal);
    assert.deepStrictEqual(set.definitions.map((d) => d.name), ["lights", "weather", "calendar"]);
    const outcomes = await set.run([call("calendar"), call("lights")], origin, signal);
    assert.deepStrictEqual(outcomes.map((o) => o.block.content), ["b:calendar", "a:lights"]);
    assert.deepStrictEqual(a.calls.map((c) => c.name), ["lights"]);
    assert.deepStrictEqual(b.calls.map((c) => c.name), ["calendar"]);
  });

  it("makes a name another source offers unique, and calls it under the source's own name", async () => {
    const a = source("a", ["search"]);
    const b = source("b", ["search", "search_2"]);
    const set = await ToolSet.gather([a, b], texts, signal);
    assert.deepStrictEqual(set.definitions.map((d) => d.name), ["search", "search_2", "search_2_2"]);
    const [second, third] = await set.run([call("search_2"), call("search_2_2")], origin, signal);
    assert.strictEqual(second.block.content, "b:search", "the clash reaches b as its own 'search'");
    assert.strictEqual(third.block.content, "b:search_2");
    assert.strictEqual(second.record.name, "search_2", "the record keeps the name Claude called");
    assert.strictEqual(a.calls.length, 0);
  });

  it("keeps a renamed name within the API's 64 characters", async () => {
    const long = "t".repeat(64);
    const set = await ToolSet.gather([source("a", [long]), source("b", [long])], texts, signal);
    const renamed = set.definitions[1].name;
    assert.strictEqual(renamed.length, 64);
    assert.ok(renamed.endsWith("_2"));
  });

  it("answers a call of an unknown tool with an error result that lists the known ones", async () => {
    const set = await ToolSet.gather([source("a", ["lights"])], texts, signal);
    const [outcome] = await set.run([call("garage")], origin, signal);
    assert.strictEqual(outcome.block.is_error, true);
    assert.strictEqual(outcome.block.content, "no garage; known: lights");
  });

  it("turns a source that throws into an error result, with the API key removed", async () => {
    const failing = source("a", ["lights", "quiet"], async (c) => {
      if (c.name === "quiet") throw new Error("");
      throw new Error(`upstream said: bad key ${SECRET}`);
    });
    const set = await ToolSet.gather([failing], texts, signal, SECRET);
    const [loud, quiet] = await set.run([call("lights"), call("quiet")], origin, signal);
    assert.strictEqual(loud.block.is_error, true);
    assert.strictEqual(loud.block.content, "upstream said: bad key [redacted]");
    assert.strictEqual(quiet.block.content, "quiet failed", "an empty message gets a text that names the tool");
  });

  it("removes the API key from an error result a source returns", async () => {
    const leaky = source("a", ["lights"], async (c) => errorOutcome(c, `HTTP 401 for ${SECRET}`));
    const set = await ToolSet.gather([leaky], texts, signal, SECRET);
    const [outcome] = await set.run([call("lights")], origin, signal);
    assert.strictEqual(outcome.block.content, "HTTP 401 for [redacted]");
    assert.strictEqual(outcome.record.result, "HTTP 401 for [redacted]");
  });

  it("collects the instructions sources ask for", async () => {
    const withText: ToolSource = { ...source("a", ["x"]), instructions: async () => "  Use x for lights.  " };
    const silent: ToolSource = { ...source("b", ["y"]), instructions: async () => undefined };
    const set = await ToolSet.gather([withText, silent, source("c", [])], texts, signal);
    assert.deepStrictEqual(set.instructions, ["Use x for lights."]);
  });
});
