// Conversations in a `localfilesystem` context store, in a real Node-RED process: they survive a
// restart; a hand-edited or corrupt stored history is reset with a warning, never a crash or an
// invalid request; stopping Node-RED mid-request ends it cleanly and stores nothing of it.
import assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { CHAT_NODE, CHAT_TAB, chat, deploy, flowsStarted, processChatFlow } from "./support/chat-process";
import { KEY } from "./support/nodes";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

describe("persistence in a real Node-RED", function () {
  this.timeout(120_000);
  let api: AnthropicStandIn;
  let userDir: string;
  let nr: NodeRedProcess | undefined;

  const start = async () => {
    nr = await startNodeRed({ userDir, packages: [REPO_ROOT] });
    // Flows already deployed start on their own; the first start has none.
    if (fs.existsSync(path.join(userDir, "flows.json"))) await flowsStarted(nr);
    return nr;
  };
  const contextFile = () => path.join(userDir, "context", CHAT_TAB, `${CHAT_NODE}.json`);

  before(async () => {
    api = await new AnthropicStandIn().start();
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "nrc-persistence-"));
  });
  after(async () => {
    await nr?.stop();
    await api.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it("keeps a conversation over a restart and continues it with its history", async () => {
    await deploy(await start(), processChatFlow(api.url, { apiKey: KEY, store: "file" }));
    assert.strictEqual((await chat(nr!, "I am Ada", "p1")).body, "You said: I am Ada");
    assert.strictEqual((await chat(nr!, "I live in Bonn", "p1")).body, "You said: I live in Bonn");
    await chat(nr!, "I am Bob", "p2");
    await nr!.stop();
    assert.ok(fs.existsSync(contextFile()), "the file store wrote the conversations on stop");

    await start();
    const answer = await chat(nr!, "Who am I?", "p1");
    assert.strictEqual(answer.status, 200);
    const last = api.messageRequests[api.messageRequests.length - 1].body.messages;
    assert.deepStrictEqual(last, [
      { role: "user", content: "I am Ada" },
      { role: "assistant", content: [{ type: "text", text: "You said: I am Ada" }] },
      { role: "user", content: "I live in Bonn" },
      { role: "assistant", content: [{ type: "text", text: "You said: I live in Bonn" }] },
      { role: "user", content: "Who am I?" },
    ]);
  });

  it("resets hand-edited histories with a warning and keeps serving", async () => {
    await nr!.stop();
    const stored = JSON.parse(fs.readFileSync(contextFile(), "utf8"));
    const good = stored.conversation_p2;
    // A user "fixes" conversation p1 by deleting its first message, breaks p3's tool round and
    // replaces p4 with text; p2 stays as it was.
    stored.conversation_p1.messages.shift();
    stored.conversation_p3 = {
      updated: Date.now(),
      messages: [
        { role: "user", content: "lights on" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_x", name: "lights", input: {} }] },
        { role: "user", content: "what now?" },
        { role: "assistant", content: [{ type: "text", text: "?" }] },
      ],
    };
    stored.conversation_p4 = "edited by hand";
    stored.conversation_p5 = { updated: Date.now(), messages: [{ role: "user", content: "  " }, { role: "assistant", content: [] }] };
    fs.writeFileSync(contextFile(), JSON.stringify(stored, null, 2));

    await start();
    for (const id of ["p1", "p3", "p4", "p5"]) {
      const answer = await chat(nr!, `fresh start ${id}`, id);
      assert.strictEqual(answer.status, 200, `${id}: ${answer.raw}`);
      const sent = api.messageRequests[api.messageRequests.length - 1].body.messages;
      assert.deepStrictEqual(sent, [{ role: "user", content: `fresh start ${id}` }], `${id} was reset, not sent broken`);
    }
    const output = nr!.output();
    assert.match(output, /The stored history of conversation "p1" was unusable \(it does not start with a user message\) and has been reset/);
    assert.match(output, /conversation "p3" was unusable \(tool call in message 1 has no result\)/);
    assert.match(output, /conversation "p4" was unusable \(not a stored conversation\)/);
    assert.match(output, /conversation "p5" was unusable \(message 0 is empty\)/);

    // The reset conversations go on from their new start; the untouched one kept its history.
    await chat(nr!, "and then?", "p1");
    assert.deepStrictEqual(
      api.messageRequests[api.messageRequests.length - 1].body.messages.map((m: any) => m.role),
      ["user", "assistant", "user"],
    );
    await chat(nr!, "still Bob?", "p2");
    const p2 = api.messageRequests[api.messageRequests.length - 1].body.messages;
    assert.deepStrictEqual(p2.slice(0, -1), good.messages);
  });

  it("ends a request in flight when Node-RED stops, exits cleanly and stores nothing of that turn", async () => {
    api.reply({ content: [{ type: "text", text: "an answer that never finishes" }], stallAfterEvents: 4, delayMs: 60_000 });
    const sent = api.messageRequests.length;
    const pending = chat(nr!, "this turn is cut by the shutdown", "p2").catch((err) => err);
    const request = (await api.whenRequests(sent + 1))[sent];
    const before = nr!.output().length;
    await nr!.stop(30_000);
    assert.strictEqual(nr!.child.signalCode, null, "Node-RED exited by itself, it did not need to be killed");
    assert.strictEqual(nr!.child.exitCode, 0);
    assert.strictEqual(await request.settled, "aborted", "the request's connection was closed");
    await pending;
    const after = nr!.output().slice(before);
    assert.doesNotMatch(after, /\[error\]/, "a shutdown is not an error");
    const stored = JSON.parse(fs.readFileSync(contextFile(), "utf8"));
    assert.ok(!JSON.stringify(stored).includes("this turn is cut by the shutdown"), "nothing of the cut turn was stored");
    nr = undefined;
  });
});
