import assert from "assert";
import { editorList, editorNumber } from "../../../nodes/lib/api/editor-values";

describe("editor values", () => {
  it("reads numbers the editor saved as text, and falls back on empty or unusable ones", () => {
    assert.strictEqual(editorNumber("42", 7), 42);
    assert.strictEqual(editorNumber(0.5, 7), 0.5);
    assert.strictEqual(editorNumber("2.9", 7, { whole: true }), 2);
    assert.strictEqual(editorNumber(0, 7), 0);
    for (const bad of [undefined, null, "", "  ", "abc", -1, Infinity]) assert.strictEqual(editorNumber(bad, 7), 7, String(bad));
    assert.strictEqual(editorNumber(0, 7, { positive: true }), 7);
    // A fraction below 1 of a positive count is unusable, not 0.
    assert.strictEqual(editorNumber("0.5", 7, { whole: true, positive: true }), 7);
    assert.strictEqual(editorNumber(1.5, 7, { whole: true, positive: true }), 1);
  });

  it("reads lists from arrays or separated text, trimmed, lower case and without repeats", () => {
    assert.deepStrictEqual(editorList(" A.com, b.org\nc.net,a.com"), ["a.com", "b.org", "c.net"]);
    assert.deepStrictEqual(editorList(["x", " ", "X"]), ["x"]);
    assert.deepStrictEqual(editorList(undefined), []);
  });
});
