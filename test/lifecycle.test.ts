// Redeploying or stopping while requests are in flight or queued: they end cleanly, leave no timer
// or connection behind, report nothing, and no message or history write comes late.
import assert from "assert";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { chatFlow, loadChat, say } from "./support/chat";
import { KEY, helper, useStandIn } from "./support/nodes";
import { trackPackageTimers } from "./support/timers";

/** Lets the event loop run until nothing more is pending from a close (no fixed wait). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Records what a node does after the point where it must stay silent. */
function watch(nodes: { chat: any; out: any }) {
  const seen = { outputs: [] as unknown[], errors: [] as unknown[] };
  nodes.out.on("input", (msg: any) => seen.outputs.push(msg.payload));
  nodes.chat.on("call:error", (call: any) => seen.errors.push(call.args));
  return seen;
}

describe("redeploy and stop", function () {
  this.timeout(20_000);
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
  });

  it("ends a streaming request on redeploy: its connection closes, no timer is left, nothing comes late", async () => {
    const timers = trackPackageTimers();
    const nodes = await loadChat(api, {}, { timeout: 600 });
    const seen = watch(nodes);
    // The answer starts and then stalls, so the request is mid-stream with the idle watchdog armed.
    api.reply({ content: [{ type: "text", text: "a long answer" }], stallAfterEvents: 4, delayMs: 60_000 });
    nodes.chat.receive({ payload: "Hi", conversation_id: "c1" });
    const [request] = await api.whenRequests(1);
    await new Promise<void>((resolve) =>
      nodes.chat.on("call:status", (call: any) => {
        if (/writing/.test(call.args[0]?.text)) resolve();
      }),
    );
    assert.ok(timers.live().some((where) => where.includes("watchdog")), "the idle watchdog is armed mid-stream");
    await helper.unload();
    assert.strictEqual(await request.settled, "aborted", "the connection of the request in flight was closed");
    await settle();
    timers.stop();
    assert.deepStrictEqual(timers.live(), [], "timers left behind");
    assert.deepStrictEqual(seen, { outputs: [], errors: [] }, "no late message and no error for a redeploy");
  });

  it("ends a model lookup in flight on redeploy", async () => {
    const timers = trackPackageTimers();
    const nodes = await loadChat(api);
    const seen = watch(nodes);
    api.modelsDelayMs = 60_000;
    nodes.chat.receive({ payload: "Hi", conversation_id: "c1" });
    const [lookup] = await api.whenRequests(1, (r) => r.path.startsWith("/v1/models/"));
    await helper.unload();
    await settle();
    timers.stop();
    // Checked before waiting for the connection to close: a lookup left running keeps its timeout armed.
    assert.deepStrictEqual(timers.live(), [], "timers left behind");
    assert.strictEqual(await lookup.settled, "aborted", "the lookup's connection was closed");
    assert.strictEqual(api.messageRequests.length, 0, "the turn was never sent");
    assert.deepStrictEqual(seen, { outputs: [], errors: [] });
  });

  it("ends turns waiting for a request slot on stop, without sending them", async () => {
    const nodes = await loadChat(api, {}, { maxConcurrent: 1 });
    const seen = watch(nodes);
    api.reply({ content: [{ type: "text", text: "slow" }], delayMs: 60_000 });
    for (const id of ["a", "b", "c"]) nodes.chat.receive({ payload: `Hi ${id}`, conversation_id: id });
    const [first] = await api.whenRequests(1);
    await helper.unload();
    assert.strictEqual(await first.settled, "aborted");
    await settle();
    assert.strictEqual(api.messageRequests.length, 1, "the queued turns were never sent");
    assert.deepStrictEqual(seen, { outputs: [], errors: [] });
  });

  it("a redeploy of the conversation node alone ends its queued turns: not sent, not stored, no late message", async () => {
    const nodes = await loadChat(api);
    const seen = watch(nodes);
    api.reply({ content: [{ type: "text", text: "slow" }], delayMs: 60_000 });
    nodes.chat.receive({ payload: "first", conversation_id: "c1" });
    nodes.chat.receive({ payload: "second", conversation_id: "c1" });
    const [first] = await api.whenRequests(1);

    // Deploy "modified nodes": only the conversation node restarts, the account stays up.
    const flow = chatFlow(api.url, { name: "renamed" });
    await helper.setFlows(flow, "nodes", { account: { apiKey: KEY } });
    assert.strictEqual(await first.settled, "aborted");
    const renamed = { chat: helper.getNode("chat"), out: helper.getNode("out") };
    assert.strictEqual(renamed.chat.name, "renamed");

    const answer = await say(renamed, { payload: "third", conversation_id: "c1" });
    assert.strictEqual(answer.payload, "You said: third");
    await settle();
    assert.strictEqual(api.messageRequests.length, 2, "the queued turn of the stopped node was never sent");
    assert.deepStrictEqual(api.messageRequests[1].body.messages, [{ role: "user", content: "third" }], "nothing of the stopped node's turns was stored");
    assert.deepStrictEqual(seen, { outputs: ["You said: third"], errors: [] }, "only the new node's answer arrived");
  });

  it("keeps no timers after many finished turns and a redeploy", async () => {
    const timers = trackPackageTimers();
    const nodes = await loadChat(api);
    for (let i = 0; i < 20; i++) await say(nodes, { payload: `message ${i}`, conversation_id: `c${i % 4}` });
    await helper.unload();
    await settle();
    timers.stop();
    assert.deepStrictEqual(timers.live(), [], "timers left behind");
  });
});
