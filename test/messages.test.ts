// The runtime message catalog on the per-message path: each text is looked up once.
import assert from "assert";
import { t } from "../nodes/runtime/messages";

describe("runtime messages", function () {
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
});
