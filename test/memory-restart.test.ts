// Long-term memory in a real Node-RED process with a `localfilesystem` store: what Claude noted
// with the memory tool is still there after a restart, in another conversation.
import assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnthropicStandIn, toolResults } from "./standins/anthropic-standin";
import { CHAT_NODE, chat, deploy, flowsStarted, processChatFlow } from "./support/chat-process";
import { KEY } from "./support/nodes";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

describe("long-term memory across a restart of a real Node-RED", function () {
  this.timeout(120_000);
  let api: AnthropicStandIn;
  let userDir: string;
  let nr: NodeRedProcess | undefined;

  before(async () => {
    api = await new AnthropicStandIn().start();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "nrc-memory-"));
  });
  after(async () => {
    await nr?.stop();
    await api.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  /** Claude runs one memory command and answers with what the tool said. */
  const memoryTurn = (input: Record<string, unknown>) =>
    api.reply({ content: [{ type: "tool_use", id: `toolu_${Math.random().toString(36).slice(2)}`, name: "memory", input }] }, (req) => ({
      content: [{ type: "text", text: String(toolResults(req.body)[0].content) }],
    }));

  it("keeps the notes of a memory over a restart, for a new conversation", async () => {
    const flows = processChatFlow(api.url, { apiKey: KEY, store: "file" }).map((n) => (n.id === CHAT_NODE ? { ...n, memoryTool: true } : n));
    nr = await startNodeRed({ userDir, packages: [REPO_ROOT] });
    await deploy(nr, flows);
    memoryTurn({ command: "create", path: "/memories/household.md", file_text: "Ada lives in Bonn." });
    assert.strictEqual((await chat(nr, "I am Ada from Bonn", "first")).body, "File created successfully at: /memories/household.md");
    await nr.stop();
    const stored = JSON.parse(fs.readFileSync(path.join(userDir, "context", "global", "global.json"), "utf8"));
    assert.deepStrictEqual(stored[`claude_memory_${CHAT_NODE}`], { files: { "/memories/household.md": "Ada lives in Bonn." } }, "the file store holds the memory");

    nr = await startNodeRed({ userDir, packages: [REPO_ROOT] });
    await flowsStarted(nr);
    memoryTurn({ command: "view", path: "/memories/household.md" });
    const answer = await chat(nr, "Where do I live?", "second");
    assert.strictEqual(answer.status, 200);
    assert.strictEqual(answer.body, "Here's the content of /memories/household.md with line numbers:\n     1\tAda lives in Bonn.");
    const last = api.messageRequests[api.messageRequests.length - 1].body;
    assert.deepStrictEqual(last.messages[0], { role: "user", content: "Where do I live?" }, "a new conversation, not the old one's history");
  });
});
