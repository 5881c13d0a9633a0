// Input that once took Node-RED down, in a real Node-RED process with a Catch and a Complete node
// on the conversation node: a payload nested thousands of levels deep, a getter that throws and a
// Proxy whose traps throw. Node-RED copies a message for each Catch and Complete node; that copy
// threw outside any handler and the process exited. Each try must get a clear error, and Node-RED
// must keep running and answering.
import assert from "assert";
import { AnthropicStandIn, toolResults } from "./standins/anthropic-standin";
import { deploy } from "./support/chat-process";
import { KEY } from "./support/nodes";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

/** Builds the hostile value inside Node-RED, where a flow would. */
const MAKE = `
const kind = msg.payload.kind;
const deep = (levels) => { const root = {}; let at = root; for (let i = 0; i < levels; i++) { at.a = i % 2 ? {} : [{}]; at = Array.isArray(at.a) ? at.a[0] : at.a; } return root; };
if (kind === "deep") msg.payload = deep(5000);
if (kind === "deep-topic") { msg.payload = "hello"; msg.topic = deep(20000); }
if (kind === "getter") msg.payload = { text: "hi", get boom() { throw new Error("getter says no"); } };
if (kind === "proxy") msg.payload = new Proxy({ text: "hi" }, { get() { throw new Error("proxy says no"); }, ownKeys() { throw new Error("proxy says no"); }, getPrototypeOf() { throw new Error("proxy says no"); } });
if (kind === "plain") msg.payload = "hello";
return msg;
`;

function hostileFlow(apiUrl: string): any[] {
  return [
    { id: "h-tab", type: "tab", label: "hostile" },
    { id: "h-account", type: "claude-config", name: "Hostile test account", baseUrl: apiUrl, model: "claude-haiku-4-5", maxTokens: 3000, retries: 0, credentials: { apiKey: KEY } },
    { id: "h-in", type: "http in", z: "h-tab", url: "/hostile", method: "post", wires: [["h-make"]] },
    { id: "h-make", type: "function", z: "h-tab", func: MAKE, outputs: 1, wires: [["h-chat"]] },
    { id: "h-chat", type: "claude-conversation", z: "h-tab", config: "h-account", input: "payload", inputType: "msg", wires: [["h-out", "h-seen"]] },
    { id: "h-out", type: "http response", z: "h-tab", statusCode: "", headers: {}, wires: [] },
    { id: "h-catch", type: "catch", z: "h-tab", scope: ["h-chat"], uncaught: false, wires: [["h-to-error", "h-seen"]] },
    { id: "h-complete", type: "complete", z: "h-tab", scope: ["h-chat"], uncaught: false, wires: [["h-seen"]] },
    {
      id: "h-to-error",
      type: "change",
      z: "h-tab",
      rules: [
        { t: "set", p: "statusCode", pt: "msg", to: "500", tot: "num" },
        { t: "set", p: "payload", pt: "msg", to: "error.message", tot: "msg" },
      ],
      wires: [["h-out"]],
    },
    // A tool whose flow answers with hostile values, with its own Catch and Complete nodes.
    { id: "h-tool", type: "claude-tool", z: "h-tab", name: "probe", mode: "plain", timeout: 10, wires: [["h-tool-make"]] },
    { id: "h-tool-make", type: "function", z: "h-tab", func: MAKE, outputs: 1, wires: [["h-result"]] },
    { id: "h-result", type: "claude-tool-result", z: "h-tab", wires: [] },
    { id: "h-result-catch", type: "catch", z: "h-tab", scope: ["h-result"], uncaught: false, wires: [["h-seen"]] },
    { id: "h-result-complete", type: "complete", z: "h-tab", scope: ["h-result"], uncaught: false, wires: [["h-seen"]] },
    { id: "h-seen", type: "debug", z: "h-tab", active: true, tosidebar: true, console: false, complete: "true", targetType: "full", wires: [] },
  ];
}

describe("hostile input in a real Node-RED process", function () {
  this.timeout(120_000);
  let api: AnthropicStandIn;
  let nr: NodeRedProcess;

  before(async () => {
    api = await new AnthropicStandIn().start();
    nr = await startNodeRed({ packages: [REPO_ROOT] });
    await deploy(nr, hostileFlow(api.url));
  });
  after(async () => {
    await nr?.stop();
    await api.stop();
  });

  const send = async (kind: string) => {
    const res = await fetch(`${nr.url}/hostile`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind }), signal: AbortSignal.timeout(20_000) });
    return { status: res.status, text: await res.text() };
  };
  const alive = () => nr.child.exitCode === null && nr.child.signalCode === null;

  it("answers each try with a clear error through Catch, and Node-RED keeps running", async () => {
    const expected: Record<string, RegExp> = {
      deep: /msg\.payload is nested more than 1000 levels deep, which Node-RED cannot copy; it was taken out of the message/,
      "deep-topic": /msg\.topic is nested more than 1000 levels deep/,
      getter: /msg\.payload cannot be read \(getter says no\), so Node-RED cannot copy it/,
      proxy: /msg\.payload cannot be read \(proxy says no\)/,
    };
    let tries = 0;
    for (let round = 0; round < 2; round++) {
      for (const [kind, error] of Object.entries(expected)) {
        const answer = await send(kind).catch((err) => { throw new Error(`${kind}: ${err}\n${nr.output().slice(-3000)}`); });
        tries++;
        assert.ok(alive(), `Node-RED exited after ${kind}:\n${nr.output().slice(-3000)}`);
        assert.strictEqual(answer.status, 500, `${kind}: ${answer.text}`);
        assert.match(answer.text, error);
      }
    }
    assert.strictEqual(tries, 8);
    assert.strictEqual(api.messageRequests.length, 0, "nothing was sent to the API");
    const ok = await send("plain");
    assert.strictEqual(ok.status, 200);
    assert.strictEqual(ok.text, "You said: hello");
    assert.ok(alive());
    assert.doesNotMatch(nr.output(), /Maximum call stack|Uncaught|unhandled/i);
  });

  it("answers Claude with an error result when a tool's flow sends back such values, and Node-RED keeps running", async () => {
    const expected: Record<string, RegExp> = {
      deep: /msg\.payload is nested more than 1000 levels deep/,
      getter: /msg\.payload cannot be read \(getter says no\)/,
      proxy: /msg\.payload cannot be read \(proxy says no\)/,
    };
    let tries = 0;
    for (let round = 0; round < 2; round++) {
      for (const [kind, error] of Object.entries(expected)) {
        api.reset();
        api.reply({ content: [{ type: "tool_use", id: "toolu_1", name: "probe", input: { kind } }] }, { content: [{ type: "text", text: "tool answered" }] });
        const answer = await send("plain").catch((err) => {
          throw new Error(`${kind}: ${err}\n${nr.output().slice(-3000)}`);
        });
        tries++;
        assert.ok(alive(), `Node-RED exited after a ${kind} tool result`);
        assert.deepStrictEqual(answer, { status: 200, text: "tool answered" });
        const [result] = toolResults(api.messageRequests[1].body);
        assert.strictEqual(result.is_error, true, kind);
        assert.match(result.content, error);
      }
    }
    assert.strictEqual(tries, 6);
    assert.doesNotMatch(nr.output(), /Maximum call stack|Uncaught|unhandled/i);
  });
});
