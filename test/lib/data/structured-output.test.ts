import assert from "assert";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { ClaudeError } from "../../../nodes/lib/errors";
import { RESULT_TOOL, outputParts, prepareSchema, readAnswer, repairRequest } from "../../../nodes/lib/data/structured-output";

function reply(content: any[]): Message {
  return { id: "msg_1", type: "message", role: "assistant", model: "m", content, stop_reason: "end_turn", stop_sequence: null, usage: {} } as unknown as Message;
}

const PERSON = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 1 },
    age: { type: "integer", minimum: 0, maximum: 120 },
  },
  required: ["name", "age"],
};

describe("structured-output", function () {
  it("sends the API's subset: unsupported constraints move into descriptions, objects are closed", () => {
    const schema = prepareSchema(PERSON);
    const wire: any = schema.wire;
    assert.strictEqual(wire.additionalProperties, false);
    assert.strictEqual(wire.properties.age.maximum, undefined, "maximum is not in the subset");
    assert.match(wire.properties.age.description, /maximum: 120/);
    assert.strictEqual(schema.wrapped, false);
    assert.deepStrictEqual(outputParts(schema, "format"), { outputFormat: { type: "json_schema", schema: wire } });
  });

  it("asks for the data through a forced tool in tool mode", () => {
    const schema = prepareSchema(PERSON);
    const parts = outputParts(schema, "tool");
    assert.deepStrictEqual(parts.toolChoice, { type: "tool", name: RESULT_TOOL });
    assert.strictEqual((parts.tools![0] as any).name, RESULT_TOOL);
    assert.strictEqual((parts.tools![0] as any).input_schema, schema.wire);
  });

  it("wraps a schema whose root is not an object, and unwraps the answer", () => {
    const schema = prepareSchema({ type: "array", items: { type: "string" }, maxItems: 2 });
    assert.strictEqual(schema.wrapped, true);
    assert.strictEqual((schema.wire as any).type, "object");
    assert.deepStrictEqual((schema.wire as any).required, ["value"]);
    const ok = readAnswer(reply([{ type: "text", text: '{"value": ["a", "b"]}' }]), schema, "format");
    assert.deepStrictEqual(ok, { value: ["a", "b"], errors: [], toolUseId: undefined });
    const tooMany = readAnswer(reply([{ type: "text", text: '{"value": ["a", "b", "c"]}' }]), schema, "format");
    assert.strictEqual(tooMany.errors[0].keyword, "maxItems");
    const repair: any = repairRequest(tooMany, schema, "format");
    assert.match(repair.content, /\/value must NOT have more than 2 items/, "the repair names the path Claude wrote");
  });

  it("keeps draft-07 definitions usable through $ref", () => {
    const schema = prepareSchema({ type: "object", definitions: { n: { type: "integer" } }, properties: { a: { $ref: "#/definitions/n" } }, required: ["a"] });
    const wire: any = schema.wire;
    assert.deepStrictEqual(wire.$defs, { n: { type: "integer" } });
    assert.deepStrictEqual(wire.properties.a, { $ref: "#/$defs/n" });
    assert.deepStrictEqual(readAnswer(reply([{ type: "text", text: '{"a": 2}' }]), schema, "format").errors, []);
  });

  it("reads format answers from the text and checks them against the whole schema", () => {
    const schema = prepareSchema(PERSON);
    assert.deepStrictEqual(readAnswer(reply([{ type: "text", text: '{"name": "Ada", "age": 36}' }]), schema, "format").value, { name: "Ada", age: 36 });
    const old = readAnswer(reply([{ type: "text", text: '{"name": "Ada", "age": 200}' }]), schema, "format");
    assert.deepStrictEqual(old.errors.map((e) => [e.instancePath, e.keyword]), [["/age", "maximum"]]);
    const broken = readAnswer(reply([{ type: "text", text: '{"name": "Ada"' }]), schema, "format");
    assert.strictEqual(broken.value, undefined);
    assert.match(broken.errors[0].message!, /not valid JSON/);
  });

  it("reads tool answers from the result tool call, and repairs through its tool_result", () => {
    const schema = prepareSchema(PERSON);
    const call = { type: "tool_use", id: "toolu_1", name: RESULT_TOOL, input: { name: "", age: 3 } };
    const answer = readAnswer(reply([call]), schema, "tool");
    assert.strictEqual(answer.toolUseId, "toolu_1");
    assert.strictEqual(answer.errors[0].keyword, "minLength");
    const repair: any = repairRequest(answer, schema, "tool");
    assert.strictEqual(repair.role, "user");
    assert.strictEqual(repair.content[0].type, "tool_result");
    assert.strictEqual(repair.content[0].tool_use_id, "toolu_1");
    assert.strictEqual(repair.content[0].is_error, true);
    assert.match(repair.content[0].content, /\/name must NOT have fewer than 1 characters/);
    assert.match(readAnswer(reply([{ type: "text", text: "{}" }]), schema, "tool").errors[0].message!, new RegExp(RESULT_TOOL));
  });

  it("refuses invalid schemas with errors.bad-schema", () => {
    for (const bad of [{ type: "object", properties: { a: { type: "strin" } } }, "not json", { properties: {} }]) {
      assert.throws(() => prepareSchema(bad), (err: unknown) => err instanceof ClaudeError && err.key === "errors.bad-schema" && typeof err.params.detail === "string");
    }
  });
});
