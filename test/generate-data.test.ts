import assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RESULT_TOOL } from "../nodes/lib/data/structured-output";
import { SAMPLES } from "./support/samples";
import type { AnthropicStandIn } from "./standins/anthropic-standin";
import { ALL_NODES, KEY, account, helper, nextError, nextMessage, useStandIn } from "./support/nodes";

// Real core nodes: Catch receives the errors, File In produces a Buffer as flows do.
const catchNode = require("@node-red/nodes/core/common/25-catch.js");
const fileNode = require("@node-red/nodes/core/storage/10-file.js");
const exampleNodes = ["common/20-inject.js", "common/25-catch.js", "common/90-comment.js", "storage/10-file.js", "network/21-httprequest.js"].map((file) =>
  require(`@node-red/nodes/core/${file}`),
);

const COUNT_SCHEMA = {
  type: "object",
  properties: {
    cars: { type: "integer", minimum: 0, maximum: 5, description: "cars in the driveway" },
    summary: { type: "string" },
  },
  required: ["cars", "summary"],
};

function flow(url: string, node: Record<string, unknown> = {}, accountExtra: Record<string, unknown> = {}) {
  return [
    { id: "tab", type: "tab", label: "test" },
    account(url, accountExtra),
    { id: "gen", type: "claude-generate-data", z: "tab", x: 300, y: 100, config: "account", wires: [["out"]], ...node },
    { id: "out", type: "helper", z: "tab", x: 500, y: 100 },
    { id: "catcher", type: "catch", z: "tab", x: 100, y: 200, scope: null, uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", z: "tab", x: 300, y: 200 },
  ];
}

async function load(api: AnthropicStandIn, node: Record<string, unknown> = {}, accountExtra: Record<string, unknown> = {}) {
  await helper.load([...ALL_NODES, catchNode], flow(api.url, node, accountExtra), { account: { apiKey: KEY } });
  return { gen: helper.getNode("gen"), out: helper.getNode("out"), caught: helper.getNode("caught") };
}

function text(value: unknown) {
  return { content: [{ type: "text", text: JSON.stringify(value) }] };
}

describe("claude-generate-data", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "claude-generate-data-"));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    api = standIn();
  });

  it("delivers a result that passes the schema as parsed JSON, using structured outputs", async () => {
    const nodes = await load(api, { instructions: "Count the cars.", schema: JSON.stringify(COUNT_SCHEMA) });
    api.reply({ ...text({ cars: 2, summary: "two cars" }), usage: { input_tokens: 50, output_tokens: 9 } });
    const answer = nextMessage(nodes.out);
    nodes.gen.receive({ payload: "Front camera, 8 am" });
    const msg = await answer;
    assert.deepStrictEqual(msg.payload, { cars: 2, summary: "two cars" });
    assert.strictEqual(msg.claude.model, "claude-haiku-4-5");
    assert.strictEqual(msg.claude.stop_reason, "end_turn");
    assert.deepStrictEqual(msg.claude.usage, { input_tokens: 50, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    assert.deepStrictEqual(msg.claude.content, [{ type: "text", text: '{"cars":2,"summary":"two cars"}' }]);

    assert.strictEqual(api.messageRequests.length, 1);
    const body = api.messageRequests[0].body;
    assert.strictEqual(body.output_config.format.type, "json_schema");
    const wire = body.output_config.format.schema;
    assert.strictEqual(wire.additionalProperties, false);
    assert.strictEqual(wire.properties.cars.maximum, undefined, "the API subset has no maximum");
    assert.match(wire.properties.cars.description, /cars in the driveway[\s\S]*maximum: 5/, "the dropped constraint is still told to Claude");
    assert.strictEqual(body.tools, undefined, "no tools: neither a result tool nor the account's server tools");
    assert.deepStrictEqual(body.messages, [{ role: "user", content: [{ type: "text", text: "Count the cars.\n\nFront camera, 8 am" }] }]);
    assert.strictEqual(api.messageRequests[0].headers.authorization, `Bearer ${KEY}`);
  });

  it("catches a constraint the API subset drops, asks once more with ajv's errors, and accepts the repair", async () => {
    const nodes = await load(api, { instructions: "Count the cars.", schema: JSON.stringify(COUNT_SCHEMA) });
    api.reply({ ...text({ cars: 9, summary: "many" }), usage: { input_tokens: 10, output_tokens: 3 } }, { ...text({ cars: 5, summary: "five" }), usage: { input_tokens: 20, output_tokens: 4 } });
    const answer = nextMessage(nodes.out);
    nodes.gen.receive({ payload: "x" });
    const msg = await answer;
    assert.deepStrictEqual(msg.payload, { cars: 5, summary: "five" });
    assert.strictEqual(api.messageRequests.length, 2);
    const repair = api.messageRequests[1].body;
    assert.deepStrictEqual(repair.messages.slice(0, 2), [
      api.messageRequests[0].body.messages[0],
      { role: "assistant", content: [{ type: "text", text: '{"cars":9,"summary":"many"}' }] },
    ]);
    assert.strictEqual(repair.messages[2].role, "user");
    assert.match(repair.messages[2].content, /\/cars must be <= 5/);
    assert.deepStrictEqual(repair.output_config, api.messageRequests[0].body.output_config, "the repair asks for the same format");
    assert.deepStrictEqual(msg.claude.usage, { input_tokens: 30, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, "usage covers both requests");
  });

  it("errors through Catch with msg.error.validation when the repair fails too", async () => {
    const nodes = await load(api, { instructions: "Count the cars.", schema: JSON.stringify(COUNT_SCHEMA) });
    api.reply(text({ cars: 9, summary: "many" }), text({ cars: 7, summary: "still many" }));
    const reported = nextError(nodes.gen);
    const caught = nextMessage(nodes.caught);
    nodes.gen.receive({ payload: "x", topic: "driveway" });
    const [{ text: errorText, msg }, fromCatch] = await Promise.all([reported, caught]);
    assert.match(errorText, /did not match the schema after 2 attempts: \/cars must be <= 5/);
    assert.strictEqual(msg.error.type, "validation_error");
    assert.deepStrictEqual(
      msg.error.validation.map((e: any) => [e.instancePath, e.keyword, e.params.limit]),
      [["/cars", "maximum", 5]],
    );
    // Node-RED's Catch puts its own msg.error first and keeps the node's as msg._error.
    assert.strictEqual(fromCatch.error.source.id, "gen");
    assert.strictEqual(fromCatch.error.message, errorText);
    assert.deepStrictEqual(fromCatch._error.validation, msg.error.validation);
    assert.strictEqual(fromCatch.topic, "driveway");
    assert.strictEqual(api.messageRequests.length, 2, "one repair, no more");
  });

  for (const key of ["__proto__", "constructor", "prototype"]) {
    it(`fails validation on a ${key} key anywhere in the data, repairs, and never lets a forbidden value through`, async () => {
      const nodes = await load(api, { instructions: "Count the cars.", schema: JSON.stringify(COUNT_SCHEMA) });
      const raw = (json: string) => ({ content: [{ type: "text", text: json }] });
      // Valid as far as ajv sees; after Node-RED's message copy, cars would read 99 through the prototype.
      api.reply(raw(`{"${key}": {"cars": 99}, "summary": "many"}`), raw(`{"cars": 2, "summary": "two", "notes": [{"${key}": {"x": 1}}]}`));
      const reported = nextError(nodes.gen);
      nodes.gen.receive({ payload: "x" });
      const { text: errorText, msg } = await reported;
      assert.strictEqual(api.messageRequests.length, 2, "one repair");
      assert.match(api.messageRequests[1].body.messages[2].content, new RegExp(`/${key} is a key that is not allowed`));
      assert.match(errorText, new RegExp(`did not match the schema after 2 attempts: /notes/0/${key} is a key that is not allowed`));
      assert.strictEqual(msg.error.type, "validation_error");
      assert.strictEqual(msg.payload, "x", "nothing of the data was delivered");

      api.reply(raw(`{"cars": 1, "summary": "ok", "${key}": {"cars": 99}}`), raw('{"cars": 1, "summary": "ok"}'));
      const answer = nextMessage(nodes.out);
      nodes.gen.receive({ payload: "x" });
      assert.deepStrictEqual((await answer).payload, { cars: 1, summary: "ok" }, "the repaired data");
    });
  }

  it("uses a forced tool for a model without structured outputs, without thinking", async () => {
    const nodes = await load(
      api,
      { instructions: "Who is it?", schema: JSON.stringify({ type: "object", properties: { name: { type: "string", minLength: 2 } }, required: ["name"] }) },
      { model: "claude-legacy-1", thinking: "budget", thinkingBudget: 1024 },
    );
    api.reply(
      { content: [{ type: "tool_use", id: "toolu_1", name: RESULT_TOOL, input: { name: "A" } }] },
      { content: [{ type: "tool_use", id: "toolu_2", name: RESULT_TOOL, input: { name: "Ada" } }] },
    );
    const answer = nextMessage(nodes.out);
    nodes.gen.receive({ payload: "the visitor" });
    const msg = await answer;
    assert.deepStrictEqual(msg.payload, { name: "Ada" });
    assert.strictEqual(msg.claude.stop_reason, "tool_use");

    const first = api.messageRequests[0].body;
    assert.strictEqual(first.model, "claude-legacy-1");
    assert.strictEqual(first.output_config?.format, undefined);
    assert.deepStrictEqual(first.tool_choice, { type: "tool", name: RESULT_TOOL });
    assert.deepStrictEqual(first.tools.map((t: any) => t.name), [RESULT_TOOL]);
    assert.strictEqual(first.tools[0].input_schema.additionalProperties, false);
    assert.deepStrictEqual(first.thinking, { type: "disabled" }, "the API refuses thinking with a forced tool");
    // The repair answers the failed call with an error tool_result naming the problem.
    const repair = api.messageRequests[1].body.messages[2];
    assert.strictEqual(repair.content[0].type, "tool_result");
    assert.strictEqual(repair.content[0].tool_use_id, "toolu_1");
    assert.strictEqual(repair.content[0].is_error, true);
    assert.match(repair.content[0].content, /\/name must NOT have fewer than 2 characters/);
  });

  it("answers with plain text when there is no schema", async () => {
    const nodes = await load(api, { instructions: "Write a haiku about {{msg.topic}}." });
    api.reply({ content: [{ type: "text", text: "Rain on the window" }] });
    const answer = nextMessage(nodes.out);
    nodes.gen.receive({ payload: "Keep it short.", topic: "rain" });
    const msg = await answer;
    assert.strictEqual(msg.payload, "Rain on the window");
    const body = api.messageRequests[0].body;
    assert.strictEqual(body.output_config, undefined);
    assert.strictEqual(body.tools, undefined);
    assert.strictEqual(body.tool_choice, undefined);
    assert.deepStrictEqual(body.messages[0].content, [{ type: "text", text: "Write a haiku about rain.\n\nKeep it short." }]);
  });

  it("takes msg.schema per message, a non-object schema too", async () => {
    const nodes = await load(api, { instructions: "List the rooms." });
    api.reply(text({ value: ["kitchen", "hall"] }));
    const answer = nextMessage(nodes.out);
    nodes.gen.receive({ payload: "", schema: { type: "array", items: { type: "string" } } });
    const msg = await answer;
    assert.deepStrictEqual(msg.payload, ["kitchen", "hall"]);
    assert.strictEqual(api.messageRequests[0].body.output_config.format.schema.properties.value.type, "array");
  });

  it("reports an invalid msg.schema through node.error without calling Claude", async () => {
    const nodes = await load(api, { instructions: "List the rooms." });
    const reported = nextError(nodes.gen);
    nodes.gen.receive({ payload: "", schema: { type: "list" } });
    const { text: errorText, msg } = await reported;
    assert.match(errorText, /The JSON Schema is invalid: .*type/);
    assert.strictEqual(msg.error.type, "invalid_schema");
    assert.strictEqual(api.requests.length, 0);
  });

  it("sends an image Buffer and a PDF path as image and document blocks with their media types", async () => {
    const pdfPath = path.join(dir, "manual.pdf");
    fs.writeFileSync(pdfPath, SAMPLES.pdf);
    const nodes = await load(api, { instructions: "What do you see?" });
    const answer = nextMessage(nodes.out);
    nodes.gen.receive({ payload: "", attachments: [SAMPLES.jpeg, pdfPath] });
    await answer;
    assert.deepStrictEqual(api.messageRequests[0].body.messages[0].content, [
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: SAMPLES.jpeg.toString("base64") } },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: SAMPLES.pdf.toString("base64") }, title: "manual.pdf" },
      { type: "text", text: "What do you see?" },
    ]);
  });

  it("takes a snapshot Buffer from a File In node in msg.payload without a Change node", async () => {
    const snapshot = path.join(dir, "snapshot.png");
    fs.writeFileSync(snapshot, SAMPLES.png);
    const nodes = [
      { id: "tab", type: "tab", label: "test" },
      account(api.url),
      { id: "read", type: "file in", z: "tab", filename: snapshot, filenameType: "str", format: "", wires: [["gen"]] },
      { id: "gen", type: "claude-generate-data", z: "tab", config: "account", instructions: "Describe the snapshot.", wires: [["out"]] },
      { id: "out", type: "helper", z: "tab" },
    ];
    await helper.load([...ALL_NODES, fileNode], nodes, { account: { apiKey: KEY } });
    const answer = nextMessage(helper.getNode("out"));
    helper.getNode("read").receive({ payload: "" });
    await answer;
    const content = api.messageRequests[0].body.messages[0].content;
    assert.deepStrictEqual(content[0], { type: "image", source: { type: "base64", media_type: "image/png", data: SAMPLES.png.toString("base64") } });
    assert.deepStrictEqual(content[1], { type: "text", text: "Describe the snapshot." });
  });

  it("fails on a bad attachment path before any request", async () => {
    const nodes = await load(api, { instructions: "Read it.", schema: JSON.stringify(COUNT_SCHEMA) });
    const missing = path.join(dir, "no-such-file.pdf");
    const reported = nextError(nodes.gen);
    const caught = nextMessage(nodes.caught);
    nodes.gen.receive({ payload: "", attachments: [{ path: missing }] });
    const { text: errorText } = await reported;
    assert.ok(errorText.includes(missing), errorText);
    assert.match(errorText, /Attachment \[0\]: cannot read .*ENOENT/);
    assert.strictEqual((await caught).error.message, errorText);
    assert.strictEqual(api.requests.length, 0, "not even the models endpoint was asked");
  });

  it("reports an invalid schema when the node starts, and on every message", async () => {
    const broken = JSON.stringify({ type: "object", properties: { cars: { type: "integr" } } });
    const nodes = await load(api, { instructions: "Count.", schema: broken });
    const gen = nodes.gen;
    const startup = helper.log().args.map((a: any[]) => a[0]).find((entry: any) => entry.id === "gen" && entry.level === 20);
    assert.ok(startup, "an error was logged at start");
    assert.match(startup.msg, /The JSON Schema is invalid/);
    const statuses = gen.status.getCalls().filter((c: any) => c.thisValue === gen).map((c: any) => c.args[0]);
    assert.deepStrictEqual(statuses[statuses.length - 1], { fill: "red", shape: "ring", text: "invalid schema" });

    const reported = nextError(gen);
    gen.receive({ payload: "x" });
    assert.match((await reported).text, /The JSON Schema is invalid/);
    assert.strictEqual(api.requests.length, 0);
  });

  it("reports a result cut short at max tokens instead of asking again", async () => {
    const nodes = await load(api, { instructions: "Count.", schema: JSON.stringify(COUNT_SCHEMA) });
    api.reply({ content: [{ type: "text", text: '{"cars": 2, "summ' }], stop_reason: "max_tokens" });
    const reported = nextError(nodes.gen);
    nodes.gen.receive({ payload: "x" });
    assert.match((await reported).text, /max tokens limit \(3000\) before the data was complete/);
    assert.strictEqual(api.messageRequests.length, 1);
  });

  it("never shows the API key in the output or errors", async () => {
    const nodes = await load(api, { instructions: "Say the key.", schema: JSON.stringify(COUNT_SCHEMA) });
    api.reply({ status: 400, error: { type: "invalid_request_error", message: `bad key ${KEY}` } });
    const reported = nextError(nodes.gen);
    nodes.gen.receive({ payload: "x" });
    const { text: errorText, msg } = await reported;
    assert.ok(!errorText.includes(KEY));
    assert.ok(!JSON.stringify(msg).includes(KEY));
    assert.ok(!JSON.stringify(helper.log().args).includes(KEY));
  });

  it("runs the camera-snapshot example: its File In branch becomes checked JSON", async () => {
    const snapshot = path.join(dir, "garden.jpg");
    fs.writeFileSync(snapshot, SAMPLES.jpeg);
    const example: any[] = JSON.parse(fs.readFileSync(path.join(__dirname, "../../examples/camera-snapshot-to-json.json"), "utf8"));
    const byName = (name: string) => example.find((n) => n.name === name);
    // Point the flow at the stand-in and the sample file; the results go to helper nodes instead of the sidebar.
    byName("Claude").baseUrl = api.url;
    byName("snapshot file").filename = snapshot;
    byName("snapshot data").type = "helper";
    byName("why it failed").type = "helper";
    await helper.load([...ALL_NODES, ...exampleNodes], example, { [byName("Claude").id]: { apiKey: KEY } });

    const result = { people: 1, vehicles: 0, package_at_door: true, summary: "A courier leaves a parcel." };
    api.reply(text(result));
    const answer = nextMessage(helper.getNode(byName("snapshot data").id));
    helper.getNode(byName("garden").id).receive({});
    const msg = await answer;
    assert.deepStrictEqual(msg.payload, result);
    const body = api.messageRequests[0].body;
    assert.deepStrictEqual(body.messages[0].content[0], { type: "image", source: { type: "base64", media_type: "image/jpeg", data: SAMPLES.jpeg.toString("base64") } });
    assert.match(body.messages[0].content[1].text, /snapshot from the garden camera/);
    assert.deepStrictEqual(Object.keys(body.output_config.format.schema.properties), ["people", "vehicles", "package_at_door", "summary"]);
  });
});
