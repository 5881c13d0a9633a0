// The conversation node's long-term memory against the stand-in: Claude's memory tool calls run on
// files kept in the global context under a memory id, shared by conversations, outliving them.
import assert from "assert";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { toolResults } from "./standins/anthropic-standin";
import { memoryKey } from "../nodes/lib/memory-tool/store";
import { chatFlow, loadChat, say, type ChatNodes } from "./support/chat";
import { ALL_NODES, KEY, helper, nextError, useStandIn } from "./support/nodes";

const memoryCall = (id: string, input: Record<string, unknown>) => ({ content: [{ type: "tool_use", id, name: "memory", input }] });

/** Claude runs one memory command, then answers with the tool result's text. */
function scriptMemory(api: AnthropicStandIn, input: Record<string, unknown>): void {
  const id = `toolu_${Math.random().toString(36).slice(2)}`;
  api.reply(memoryCall(id, input), (req) => {
    const [result] = toolResults(req.body);
    return { content: [{ type: "text", text: `${result.is_error ? "ERROR " : ""}${result.content}` }] };
  });
}

function memoryOf(id: string): any {
  return helper.getNode("chat").context().global.get(memoryKey(id));
}

async function remember(nodes: ChatNodes, msg: Record<string, unknown>, input: Record<string, unknown>, api: AnthropicStandIn): Promise<string> {
  scriptMemory(api, input);
  return (await say(nodes, msg)).payload;
}

describe("memory tool", function () {
  this.timeout(20_000);
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
  });

  it("is offered only when switched on, as Anthropic's memory tool", async () => {
    let nodes = await loadChat(api);
    await say(nodes, { payload: "hi" });
    assert.strictEqual(api.messageRequests[0].body.tools, undefined);
    await helper.unload();
    nodes = await loadChat(api, { memoryTool: true, toolMode: "none" });
    await say(nodes, { payload: "hi" });
    assert.deepStrictEqual(api.messageRequests[1].body.tools, [{ type: "memory_20250818", name: "memory" }]);
  });

  it("runs every command on the node's memory, shared by its conversations, surviving reset and expiry", async () => {
    const nodes = await loadChat(api, { memoryTool: true, idleMinutes: 0.01 });
    assert.strictEqual(await remember(nodes, { payload: "Anna likes tea", conversation_id: "a" }, { command: "create", path: "/memories/people.md", file_text: "Anna likes tea" }, api), "File created successfully at: /memories/people.md");
    assert.deepStrictEqual(memoryOf("chat"), { files: { "/memories/people.md": "Anna likes tea" } }, "one memory per node, under the node's id");

    // Another conversation of the node, after the first was reset and has expired.
    nodes.chat.receive({ payload: "", reset: true, conversation_id: "a" });
    await new Promise((r) => setTimeout(r, 900));
    assert.strictEqual(nodes.chat.context().get("conversation_a"), undefined, "the conversation is gone");
    const seen = await remember(nodes, { payload: "what do you know?", conversation_id: "b" }, { command: "view", path: "/memories/people.md" }, api);
    assert.strictEqual(seen, "Here's the content of /memories/people.md with line numbers:\n     1\tAnna likes tea");

    await remember(nodes, { payload: "green tea", conversation_id: "b" }, { command: "str_replace", path: "/memories/people.md", old_str: "tea", new_str: "green tea" }, api);
    await remember(nodes, { payload: "Ben", conversation_id: "b" }, { command: "insert", path: "/memories/people.md", insert_line: 1, insert_text: "Ben likes coffee" }, api);
    await remember(nodes, { payload: "move", conversation_id: "b" }, { command: "rename", old_path: "/memories/people.md", new_path: "/memories/house/people.md" }, api);
    assert.deepStrictEqual(memoryOf("chat"), { files: { "/memories/house/people.md": "Anna likes green tea\nBen likes coffee" } });
    assert.match(await remember(nodes, { payload: "list", conversation_id: "c" }, { command: "view", path: "/memories" }, api), /\/memories\/house\/people\.md$/);
    assert.strictEqual(await remember(nodes, { payload: "forget Ben", conversation_id: "c" }, { command: "delete", path: "/memories/house" }, api), "Successfully deleted /memories/house");
    assert.strictEqual(memoryOf("chat"), undefined);
  });

  it("answers path traversal and caps with an error result, and the turn goes on", async () => {
    const nodes = await loadChat(api, { memoryTool: true });
    for (const path of ["/memories/../flows.json", "/etc/passwd", "/memories/%2e%2e/settings.js"]) {
      const answer = await remember(nodes, { payload: "x" }, { command: "create", path, file_text: "pwned" }, api);
      assert.match(answer, /^ERROR Error: The path .* (outside|would leave|percent-encoded)/);
    }
    const big = await remember(nodes, { payload: "x" }, { command: "create", path: "/memories/big.md", file_text: "x".repeat(20_001) }, api);
    assert.match(big, /^ERROR Error: File \/memories\/big\.md would hold 20001 characters; a memory file holds at most 20000/);
    assert.strictEqual(memoryOf("chat"), undefined, "nothing was written");
  });

  it("msg.memory_id picks a memory shared across conversations; msg.memory_reset forgets it", async () => {
    const nodes = await loadChat(api, { memoryTool: true });
    await remember(nodes, { payload: "x", conversation_id: "a", memory_id: "family" }, { command: "create", path: "/memories/f.md", file_text: "family fact" }, api);
    assert.deepStrictEqual(memoryOf("family"), { files: { "/memories/f.md": "family fact" } });
    assert.strictEqual(memoryOf("chat"), undefined, "the node's own memory is untouched");
    assert.match(await remember(nodes, { payload: "x", conversation_id: "b", memory_id: "family" }, { command: "view", path: "/memories/f.md" }, api), /family fact/);

    // msg.memory_reset with no text only forgets.
    nodes.chat.receive({ payload: "", memory_id: "family", memory_reset: true });
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(memoryOf("family"), undefined);
    assert.strictEqual(nodes.chat.status.lastCall.args[0].fill, "grey");

    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "x", memory_id: { bad: true } });
    assert.match((await failed).text, /msg\.memory_id must be text of at most 256 characters or a number/);
  });

  it("two conversation nodes share a memory through msg.memory_id, and keep their own apart", async () => {
    await helper.load(
      ALL_NODES,
      [
        ...chatFlow(api.url, { memoryTool: true }),
        { id: "chat2", type: "claude-conversation", z: "tab", config: "account", memoryTool: true, wires: [["out2"]] },
        { id: "out2", type: "helper", z: "tab" },
      ],
      { account: { apiKey: KEY } },
    );
    const first = { chat: helper.getNode("chat"), out: helper.getNode("out") };
    const second = { chat: helper.getNode("chat2"), out: helper.getNode("out2") };
    await remember(first, { payload: "x", memory_id: "family" }, { command: "create", path: "/memories/f.md", file_text: "shared fact" }, api);
    await remember(first, { payload: "x" }, { command: "create", path: "/memories/own.md", file_text: "first node only" }, api);
    assert.match(await remember(second, { payload: "x", memory_id: "family" }, { command: "view", path: "/memories/f.md" }, api), /shared fact/);
    assert.match(await remember(second, { payload: "x" }, { command: "view", path: "/memories/own.md" }, api), /^ERROR Error: The path \/memories\/own\.md does not exist/);
  });
});
