// What the benchmarks found on the per-message path: catalog lookups done once, and no false
// "memory leak" warning when many conversations run at once.
import assert from "assert";
import { t } from "../nodes/runtime/messages";
import { AnthropicStandIn } from "./support/anthropic-standin";
import { ALL_NODES, KEY, account, collect, helper } from "./support/nodes";

describe("per-message path", function () {
  it("looks each catalog text up once and fills in the values itself", () => {
    const calls: Array<[string, any]> = [];
    const RED: any = {
      _: (key: string, params: Record<string, string> = {}) => {
        calls.push([key, params]);
        const text = key.endsWith("status.writing") ? "writing… __chars__ characters" : key.endsWith("plural") ? `${params.count} items` : "waiting";
        return text.replace(/__(\w+)__/g, (_m, name) => params[name] ?? "");
      },
    };
    assert.strictEqual(t(RED, "status.writing", { chars: 100 }), "writing… 100 characters");
    assert.strictEqual(t(RED, "status.writing", { chars: 200 }), "writing… 200 characters");
    assert.strictEqual(t(RED, "status.writing", { chars: "<b>" }), "writing… <b> characters");
    assert.strictEqual(t(RED, "status.waiting"), "waiting");
    assert.strictEqual(t(RED, "status.waiting"), "waiting");
    assert.strictEqual(calls.length, 2, "one lookup per text");
    // Plurals depend on the value: looked up every time.
    assert.strictEqual(t(RED, "x.plural", { count: 1 }), "1 items");
    assert.strictEqual(t(RED, "x.plural", { count: 2 }), "2 items");
    assert.strictEqual(calls.length, 4);
  });

  describe("many conversations at once", function () {
    let api: AnthropicStandIn;
    before((done) => {
      helper.startServer(done);
    });
    after((done) => {
      helper.stopServer(done);
    });
    beforeEach(async () => {
      api = await new AnthropicStandIn().start();
    });
    afterEach(async () => {
      await helper.unload();
      await api.stop();
    });

    it("runs 30 conversations at once without a MaxListenersExceededWarning", async () => {
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on("warning", onWarning);
      try {
        await helper.load(
          ALL_NODES,
          [
            { id: "tab", type: "tab", label: "test" },
            account(api.url),
            { id: "chat", type: "claude-conversation", z: "tab", config: "account", wires: [["out"]] },
            { id: "out", type: "helper", z: "tab" },
          ],
          { account: { apiKey: KEY } },
        );
        api.fallback = (req) => ({ content: [{ type: "text", text: "ok" }], delayMs: 100, model: req.body.model });
        const answers = collect(helper.getNode("out"), 30);
        for (let i = 0; i < 30; i++) helper.getNode("chat").receive({ payload: "hi", conversation_id: `c${i}` });
        assert.strictEqual((await answers).length, 30);
        await new Promise((r) => setImmediate(r));
        assert.deepStrictEqual(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message), []);
      } finally {
        process.off("warning", onWarning);
      }
    });
  });
});
