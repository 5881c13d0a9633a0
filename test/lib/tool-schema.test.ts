import assert from "assert";
import { ClaudeNodeError } from "../../nodes/lib/errors";
import { compileSchema, describeErrors, parseSchema, toolInputSchema } from "../../nodes/lib/tool-schema";

function fails(fn: () => unknown, key: string): ClaudeNodeError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClaudeNodeError, `expected a ClaudeNodeError, got ${err}`);
    assert.strictEqual(err.key, key);
    return err;
  }
  assert.fail(`expected ${key}`);
}

describe("tool-schema", () => {
  describe("parseSchema", () => {
    it("reads JSON text and objects, and gives the fallback for empty text", () => {
      assert.deepStrictEqual(parseSchema('{"type":"object"}'), { type: "object" });
      assert.deepStrictEqual(parseSchema({ type: "object" }), { type: "object" });
      assert.deepStrictEqual(parseSchema("  ", { type: "object", properties: {} }), { type: "object", properties: {} });
    });

    it("names broken JSON and non-objects", () => {
      assert.match(String(fails(() => parseSchema("{type: object}"), "errors.schema-not-json").params.detail), /JSON/);
      fails(() => parseSchema("[1, 2]"), "errors.schema-not-object");
      fails(() => parseSchema(""), "errors.schema-not-object");
    });
  });

  describe("compileSchema", () => {
    const schema = {
      type: "object",
      properties: {
        room: { type: "string", enum: ["kitchen", "hall"] },
        brightness: { type: "integer", minimum: 0, maximum: 255 },
        when: { type: "string", format: "date-time" },
      },
      required: ["room"],
      additionalProperties: false,
    };

    it("accepts values that match", () => {
      assert.deepStrictEqual(compileSchema(schema).validate({ room: "hall", brightness: 10, when: "2026-01-01T10:00:00Z" }), { ok: true });
    });

    it("reports every problem as readable text, formats included", () => {
      const result = compileSchema(schema).validate({ brightness: 300, when: "soon", colour: "red" });
      assert.strictEqual(result.ok, false);
      if (result.ok) return;
      assert.deepStrictEqual(result.messages.sort(), [
        'input must have the property "room"',
        'input must not have the property "colour"',
        "input.brightness must be <= 255",
        'input.when must match format "date-time"',
      ].sort());
      assert.ok(result.errors.length >= 4, "ajv's own errors are kept for callers that list them");
    });

    it("names the allowed values of an enum and the index of array items", () => {
      const result = compileSchema({ type: "array", items: { enum: ["a", "b"] } }).validate(["a", "c"]);
      assert.ok(!result.ok && result.messages[0] === 'input[1] must be one of: "a", "b"');
    });

    it("rejects an invalid schema when compiled, saying where", () => {
      const err = fails(() => compileSchema({ type: "object", properties: { n: { type: "integr" } } }), "errors.schema-invalid");
      assert.match(String(err.params.detail), /schema\.properties\.n\.type/);
      fails(() => compileSchema({ $ref: "#/$defs/missing" }), "errors.schema-invalid");
    });

    it("compiles two schemas with the same $id side by side", () => {
      compileSchema({ $id: "https://example.com/s", type: "object" });
      compileSchema({ $id: "https://example.com/s", type: "object" });
    });
  });

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

  it("describeErrors names the root it is given", () => {
    assert.deepStrictEqual(describeErrors([{ instancePath: "/a/b~1c", keyword: "type", params: { type: "string" }, message: "must be string", schemaPath: "" }], "schema"), [
      "schema.a.b/c must be string",
    ]);
  });
});
