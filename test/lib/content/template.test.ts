import assert from "assert";
import { dateView, renderTemplate, templateProblem } from "../../../nodes/lib/content/template";

const sources = (msg: unknown = {}) => ({
  msg,
  flow: (key: string) => ({ room: "kitchen", house: { floors: 2 } } as Record<string, unknown>)[key],
  global: () => {
    throw new Error("async store");
  },
  env: (name: string) => (name === "HOME" ? "Villa" : undefined),
  now: new Date(2026, 10, 22, 9, 5, 7),
});

describe("instructions template", () => {
  it("renders msg, flow (nested), env and the date without HTML escaping", () => {
    const text = renderTemplate("{{msg.user}} in {{flow.room}} ({{flow.house.floors}} floors) at {{env.HOME}}, {{date}} {{time}} {{weekday}} <&>", sources({ user: "Ada & Bob" }));
    assert.strictEqual(text, "Ada & Bob in kitchen (2 floors) at Villa, 2026-11-22 09:05:07 Sunday <&>");
  });

  it("renders missing values and unreadable stores empty instead of throwing", () => {
    assert.strictEqual(renderTemplate("[{{msg.a.b.c}}][{{flow.nothing}}][{{global.x}}][{{env.NOPE}}]", sources()), "[][][][]");
  });

  it("supports sections over lists", () => {
    assert.strictEqual(renderTemplate("{{#msg.items}}- {{.}}\n{{/msg.items}}", sources({ items: ["a", "b"] })), "- a\n- b\n");
  });

  it("reports a broken template", () => {
    assert.match(templateProblem("{{#open}} never closed")!, /Unclosed section/);
    assert.strictEqual(templateProblem("fine {{x}}"), undefined);
  });

  it("offers date parts", () => {
    const view = dateView(new Date(2026, 0, 2, 3, 4, 5));
    assert.strictEqual(view.date, "2026-01-02");
    assert.strictEqual(view.time, "03:04:05");
    assert.strictEqual(view.now, "2026-01-02 03:04:05");
  });
});
