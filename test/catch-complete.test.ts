// A failed message ends with done(err): Catch nodes get it, Complete nodes do not. A handled one
// reaches Complete nodes and no Catch. With Node-RED's real Catch and Complete nodes.
import assert from "assert";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { callKey } from "../nodes/lib/tools/tool-calls";
import { pendingToolCalls } from "../nodes/runtime/tool-registry";
import { ALL_NODES, KEY, account, helper, useStandIn } from "./support/nodes";

const catchNode = require("@node-red/nodes/core/common/25-catch.js");
const completeNode = require("@node-red/nodes/core/common/24-complete.js");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function flow(url: string) {
  return [
    { id: "tab", type: "tab", label: "test" },
    account(url),
    { id: "chat", type: "claude-conversation", z: "tab", config: "account", wires: [["out"]] },
    { id: "gen", type: "claude-generate-data", z: "tab", config: "account", instructions: "Summarise.", wires: [["out"]] },
    { id: "out", type: "helper", z: "tab" },
    { id: "result", type: "claude-tool-result", z: "tab" },
    { id: "catcher", type: "catch", z: "tab", scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", z: "tab" },
    { id: "completer", type: "complete", z: "tab", scope: ["chat", "gen", "result"], uncaught: false, wires: [["completed"]] },
    { id: "completed", type: "helper", z: "tab" },
  ];
}

/** Everything that reaches the out, caught and completed helpers. */
function record() {
  const seen = { out: [] as any[], caught: [] as any[], completed: [] as any[] };
  for (const name of ["out", "caught", "completed"] as const) helper.getNode(name).on("input", (msg: any) => seen[name].push(msg));
  return seen;
}

async function settle(seen: ReturnType<typeof record>, count: number): Promise<void> {
  for (let i = 0; i < 200 && seen.out.length + seen.caught.length + seen.completed.length < count; i++) await sleep(10);
  // Time for a message that should not come to arrive anyway.
  await sleep(100);
}

describe("Catch and Complete nodes", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(async () => {
    api = standIn();
    await helper.load([...ALL_NODES, catchNode, completeNode], flow(api.url), { account: { apiKey: KEY } });
  });

  for (const id of ["chat", "gen"]) {
    it(`${id}: a failed message reaches Catch with the details, and not Complete`, async () => {
      api.reply({ status: 429, error: { type: "rate_limit_error", message: "slow down" }, headers: { "request-id": "req_42" } });
      const seen = record();
      helper.getNode(id).receive({ payload: "Hi", _msgid: "m1" });
      await settle(seen, 1);
      assert.strictEqual(seen.completed.length, 0, "Complete does not fire for a failed message");
      assert.strictEqual(seen.out.length, 0);
      assert.strictEqual(seen.caught.length, 1);
      const caught = seen.caught[0];
      assert.match(caught.error.message, /rate-limited for this account \(429\)/);
      assert.doesNotMatch(caught.error.message, /^Error: /, "the text as it is, not Error: in front");
      assert.strictEqual(caught.error.source.id, id);
      assert.strictEqual(caught.error.code, "rate_limit_error");
      assert.strictEqual(caught.error.stack, undefined, "no stack into the package");
      assert.deepStrictEqual(
        { type: caught._error.type, status: caught._error.status, request_id: caught._error.request_id },
        { type: "rate_limit_error", status: 429, request_id: "req_42" },
        "the node's msg.error details reach Catch as msg._error",
      );
      assert.strictEqual(caught._error.message, caught.error.message);
      assert.ok(!JSON.stringify(caught).includes(KEY));
    });

    it(`${id}: a handled message reaches Complete, and not Catch`, async () => {
      api.reply({ content: [{ type: "text", text: "Hello." }] });
      const seen = record();
      helper.getNode(id).receive({ payload: "Hi" });
      await settle(seen, 2);
      assert.strictEqual(seen.out.length, 1);
      assert.strictEqual(seen.completed.length, 1);
      assert.strictEqual(seen.caught.length, 0);
    });
  }

  it("a tool result that cannot be sent answers Claude with an error, and the message reaches Catch, not Complete", async () => {
    const key = callKey("c1", "toolu_1");
    const waiting = pendingToolCalls.wait(key, { owner: "test", timeoutMs: 10_000 });
    const seen = record();
    helper.getNode("result").receive({ payload: BigInt(7), tool: { name: "probe", id: "toolu_1", conversation_id: "c1" } });
    const settled: any = await waiting;
    await settle(seen, 1);
    assert.strictEqual(settled.kind, "answered");
    assert.strictEqual(settled.value.isError, true);
    assert.strictEqual(seen.completed.length, 0);
    assert.strictEqual(seen.caught.length, 1);
    assert.strictEqual(seen.caught[0].error.message, settled.value.content, "Catch gets the reason Claude got");
  });

  it("an answered tool result reaches Complete, and not Catch", async () => {
    const key = callKey("c1", "toolu_2");
    const waiting = pendingToolCalls.wait(key, { owner: "test", timeoutMs: 10_000 });
    const seen = record();
    helper.getNode("result").receive({ payload: "21 °C", tool: { name: "probe", id: "toolu_2", conversation_id: "c1" } });
    await waiting;
    await settle(seen, 1);
    assert.strictEqual(seen.completed.length, 1);
    assert.strictEqual(seen.caught.length, 0);
  });

  it("a message with bad input (no account) reaches Catch and not Complete", async () => {
    await helper.unload();
    await helper.load([...ALL_NODES, catchNode, completeNode], flow(api.url).map((n) => (n.id === "chat" ? { ...n, config: "" } : n)), {});
    const seen = record();
    helper.getNode("chat").receive({ payload: "Hi" });
    await settle(seen, 1);
    assert.strictEqual(seen.completed.length, 0);
    assert.strictEqual(seen.caught.length, 1);
    assert.strictEqual(seen.caught[0]._error.type, "invalid_config");
  });
});
