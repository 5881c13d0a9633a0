import assert from "assert";
import { compileSchema, errorsText, schemaProblem } from "../../../nodes/lib/data/json-schema";

describe("json-schema", function () {
  it("validates a value against the whole schema, ranges and formats included", () => {
    const schema = compileSchema({
      type: "object",
      properties: { age: { type: "integer", minimum: 0, maximum: 120 }, email: { type: "string", format: "email" } },
      required: ["age"],
    });
    assert.deepStrictEqual(schema.validate({ age: 30, email: "ada@example.com" }), []);
    const errors = schema.validate({ age: 130, email: "not an address" });
    assert.deepStrictEqual(
      errors.map((e) => [e.instancePath, e.keyword]),
      [
        ["/age", "maximum"],
        ["/email", "format"],
      ],
      "every error is listed, not only the first",
    );
  });

  it("reads a schema given as JSON text", () => {
    const schema = compileSchema('{"type": "string", "pattern": "^[a-z]+$"}');
    assert.deepStrictEqual(schema.validate("abc"), []);
    assert.strictEqual(schema.validate("ABC")[0].keyword, "pattern");
  });

  for (const [what, value, expected] of [
    ["an unknown type", { type: "strin" }, /type/],
    ["a misspelt keyword", { type: "number", maximun: 3 }, /unknown keyword: "maximun"/],
    ["an unknown format", { type: "string", format: "postcode" }, /unknown format "postcode"/],
    ["JSON text that does not parse", '{"type": ', /not valid JSON/],
    ["an array", [{ type: "string" }], /must be an object/],
  ] as const) {
    it(`refuses ${what}, saying why`, () => {
      assert.throws(() => compileSchema(value), (err: unknown) => expected.test(schemaProblem(err) ?? ""));
    });
  }

  it("follows the dialect named in $schema", () => {
    const schema = compileSchema({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "array",
      prefixItems: [{ type: "string" }, { type: "number" }],
      items: false,
    });
    assert.deepStrictEqual(schema.validate(["a", 1]), []);
    assert.notDeepStrictEqual(schema.validate(["a", 1, 2]), []);
  });

  it("compiles two schemas with the same $id independently", () => {
    const a = compileSchema({ $id: "https://example.com/thing", type: "string" });
    const b = compileSchema({ $id: "https://example.com/thing", type: "number" });
    assert.deepStrictEqual(a.validate("x"), []);
    assert.deepStrictEqual(b.validate(1), []);
  });

  it("compiles a schema sent again (as an object or as text) only once", () => {
    const schema = { type: "object", properties: { n: { type: "number" } } };
    assert.strictEqual(compileSchema(schema), compileSchema(JSON.stringify(schema)));
  });

  it("writes errors as text that says where and what", () => {
    const schema = compileSchema({ type: "object", properties: { n: { type: "number", maximum: 5 } }, required: ["name"], additionalProperties: false });
    const text = errorsText(schema.validate({ n: 9, extra: true }));
    assert.match(text, /\(root\) must have required property 'name'/);
    assert.match(text, /\(root\) must NOT have additional properties \("extra"\)/);
    assert.match(text, /\/n must be <= 5/);
  });

  it("refuses __proto__, constructor and prototype keys anywhere, which ajv takes as ordinary properties", () => {
    // Open schemas: without the check, any of these would pass.
    const schema = compileSchema({ type: "object", properties: { n: { type: "integer", maximum: 5 } } });
    for (const key of ["__proto__", "constructor", "prototype"]) {
      for (const [value, where] of [
        [JSON.parse(`{"n": 1, "${key}": {"n": 99}}`), `/${key}`],
        [JSON.parse(`{"n": 1, "list": [{"ok": true}, {"${key}": {"isAdmin": true}}]}`), `/list/1/${key}`],
      ] as const) {
        assert.ok(Object.keys(value).length > 0);
        const errors = schema.validate(value);
        assert.deepStrictEqual(errors.map((e) => [e.instancePath, e.keyword]), [[where, "prototype"]], `${key} at ${where}`);
        assert.match(errorsText(errors), new RegExp(`is a key that is not allowed \\("${key}"\\)`));
      }
    }
    // An object that already has another prototype is refused too: its values could be read through it.
    const inherited = Object.create({ n: 99 });
    assert.deepStrictEqual(schema.validate({ inner: inherited }).map((e) => [e.instancePath, e.keyword]), [["/inner", "prototype"]]);
    assert.deepStrictEqual(schema.validate(JSON.parse('{"n": 1, "name": "__proto__", "deep": [[[{"proto": 1}]]]}')), [], "the words as values, and similar keys, are fine");
  });
});
