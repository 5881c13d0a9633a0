// The runtime message catalog on the per-message path: each text is looked up once.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { t } from "../nodes/runtime/messages";
import { REPO_ROOT } from "./support/paths";

describe("runtime messages", function () {
  it("looks each catalog text up once and fills in the values itself", () => {
    const calls: Array<[string, any]> = [];
    const RED: any = {
      _: (key: string, params: Record<string, string> = {}) => {
        calls.push([key, params]);
        const text = key.endsWith("status.writing") ? "writing… __chars__ characters" : key.endsWith("tool-waiting") ? "__count__ call(s) waiting" : "waiting";
        return text.replace(/__(\w+)__/g, (_m, name) => params[name] ?? "");
      },
    };
    assert.strictEqual(t(RED, "status.writing", { chars: 100 }), "writing… 100 characters");
    assert.strictEqual(t(RED, "status.writing", { chars: 200 }), "writing… 200 characters");
    assert.strictEqual(t(RED, "status.writing", { chars: "<b>" }), "writing… <b> characters");
    assert.strictEqual(t(RED, "status.waiting"), "waiting");
    assert.strictEqual(t(RED, "status.waiting"), "waiting");
    assert.strictEqual(calls.length, 2, "one lookup per text");
    // A count is a value like any other (the catalog has no plural forms).
    assert.strictEqual(t(RED, "status.tool-waiting", { count: 1 }), "1 call(s) waiting");
    assert.strictEqual(t(RED, "status.tool-waiting", { count: 2 }), "2 call(s) waiting");
    assert.strictEqual(calls.length, 3);
  });

  it("has no plural forms in the runtime catalogs, which t() does not resolve", () => {
    const dir = path.join(REPO_ROOT, "locales");
    const plural: string[] = [];
    const walk = (o: any, at: string) =>
      Object.entries(o).forEach(([k, v]) => (typeof v === "object" && v ? walk(v, `${at}${k}.`) : /_(plural|zero|one|two|few|many|other|\d+)$/.test(k) && plural.push(at + k)));
    for (const lang of fs.readdirSync(dir)) {
      const file = path.join(dir, lang, "claude-config.json");
      if (fs.existsSync(file)) walk(JSON.parse(fs.readFileSync(file, "utf8")), `${lang}:`);
    }
    assert.deepStrictEqual(plural, []);
  });
});
