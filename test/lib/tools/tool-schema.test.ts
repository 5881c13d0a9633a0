import assert from "assert";
import { ClaudeError } from "../../../nodes/lib/errors";
import { toolInputSchema } from "../../../nodes/lib/tools/tool-schema";

function fails(fn: () => unknown, key: string): ClaudeError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClaudeError, `expected a ClaudeError, got ${err}`);
    assert.strictEqual(err.key, key);
    return err;
  }
  assert.fail(`expected ${key}`);
}

describe("tool-schema", () => {
  describe("toolInputSchema", () => {
    it("adds type object and drops $schema", () => {
      assert.deepStrictEqual(toolInputSchema({ $schema: "https://json-schema.org/draft/2020-12/schema", properties: { a: { type: "string" } } }), {
        type: "object",
        properties: { a: { type: "string" } },
      });
    });

    it("refuses a schema that is not for an object", () => {
      fails(() => toolInputSchema({ type: "array" }), "errors.schema-not-object-type");
    });

    it("merges top-level anyOf into one object schema the API accepts", () => {
      const sent = toolInputSchema({
        type: "object",
        properties: { timer: { type: "string" } },
        anyOf: [
          { properties: { minutes: { type: "integer" }, name: { type: "string" } }, required: ["minutes", "name"] },
          { properties: { seconds: { type: "integer" }, name: { type: "string" } }, required: ["seconds", "name"] },
        ],
      });
      assert.deepStrictEqual(sent, {
        type: "object",
        properties: { timer: { type: "string" }, minutes: { type: "integer" }, name: { type: "string" }, seconds: { type: "integer" } },
        required: ["name"],
      });
      for (const key of ["anyOf", "oneOf", "allOf"]) assert.ok(!(key in sent));
    });

    it("merges allOf requiring everything, and keeps differing forms of one property as a nested anyOf", () => {
      const sent = toolInputSchema({
        allOf: [{ properties: { a: { type: "string" } }, required: ["a"] }, { properties: { b: { type: "number" } }, required: ["b"] }],
        oneOf: [{ properties: { c: { type: "string" } } }, { properties: { c: { type: "number" } } }],
      });
      assert.deepStrictEqual(sent, {
        type: "object",
        properties: { a: { type: "string" }, b: { type: "number" }, c: { anyOf: [{ type: "string" }, { type: "number" }] } },
        required: ["a", "b"],
      });
    });

    it("leaves nested combinators alone", () => {
      const schema = { type: "object", properties: { v: { oneOf: [{ type: "string" }, { type: "number" }] } } };
      assert.deepStrictEqual(toolInputSchema(schema), schema);
    });
  });
});
