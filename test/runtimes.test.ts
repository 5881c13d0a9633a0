// The package in real Node-RED processes, on Node-RED 4.1 (Node 20) and Node-RED 5 (Node 22): it
// loads, a conversation answers over HTTP and remembers, a tool call goes through a flow and back,
// generate data returns checked JSON, and the account dialog's admin endpoint lists the models.
import assert from "assert";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";
import { RUNTIMES } from "./support/runtimes";

const KEY = "sk-ant-runtime-test-KEY-0123456789";
const TYPES = ["claude-config", "claude-conversation", "claude-tool", "claude-tool-result", "claude-generate-data", "claude-mcp"];

function flows(apiUrl: string): unknown[] {
  const account = { id: "account", type: "claude-config", name: "stand-in", baseUrl: apiUrl, model: "claude-haiku-4-5", maxTokens: 1000, retries: 0 };
  const httpIn = (id: string, z: string, url: string, next: string) => ({ id, type: "http in", z, url, method: "post", upload: false, wires: [[next]] });
  const httpOut = (id: string, z: string) => ({ id, type: "http response", z, statusCode: "", headers: {}, wires: [] });
  return [
    { id: "chat-tab", type: "tab", label: "chat" },
    httpIn("chat-in", "chat-tab", "/chat", "chat"),
    {
      id: "chat", type: "claude-conversation", z: "chat-tab", config: "account", instructions: "Be brief.",
      input: "payload.text", inputType: "msg", conversationId: "payload.id", conversationIdType: "msg", wires: [["chat-out"]],
    },
    httpOut("chat-out", "chat-tab"),

    { id: "tool-tab", type: "tab", label: "tools" },
    httpIn("tool-in", "tool-tab", "/tool", "with-tools"),
    { id: "with-tools", type: "claude-conversation", z: "tool-tab", config: "account", input: "payload", inputType: "msg", wires: [["tool-out"]] },
    httpOut("tool-out", "tool-tab"),
    {
      id: "thermometer", type: "claude-tool", z: "tool-tab", name: "get_temperature", description: "The temperature in a room",
      mode: "plain", schema: JSON.stringify({ type: "object", properties: { room: { type: "string" } }, required: ["room"] }), timeout: 10,
      wires: [["measure"]],
    },
    {
      id: "measure", type: "change", z: "tool-tab", rules: [{ t: "set", p: "payload", pt: "msg", to: '{"celsius": 21.5}', tot: "json" }],
      wires: [["answer-tool"]],
    },
    { id: "answer-tool", type: "claude-tool-result", z: "tool-tab", wires: [] },

    { id: "data-tab", type: "tab", label: "data" },
    httpIn("data-in", "data-tab", "/data", "extract"),
    {
      id: "extract", type: "claude-generate-data", z: "data-tab", config: "account", instructions: "Extract the room and temperature.",
      schema: JSON.stringify({ type: "object", properties: { room: { type: "string" }, celsius: { type: "number", maximum: 60 } }, required: ["room", "celsius"] }),
      input: "payload", inputType: "msg", attachments: "attachments", attachmentsType: "msg", wires: [["data-out"]],
    },
    httpOut("data-out", "data-tab"),
    account,
  ];
}

/** Posts text as text/plain (http in: msg.payload is the string) and anything else as JSON. */
async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const text = typeof body === "string";
  const res = await fetch(url, { method: "POST", headers: { "Content-Type": text ? "text/plain" : "application/json" }, body: text ? body : JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

for (const runtime of RUNTIMES) {
  describe(`the package on ${runtime.name}`, function () {
    this.timeout(300_000); // the first run installs Node-RED 5 and Node 22 from npm
    let api: AnthropicStandIn;
    let nr: NodeRedProcess;

    before(async () => {
      api = await new AnthropicStandIn().start();
      api.acceptedKeys = [KEY];
      nr = await startNodeRed({ ...(await runtime.options()), packages: [REPO_ROOT], flows: flows(api.url), env: { ANTHROPIC_API_KEY: KEY } });
    });
    after(async () => {
      await nr?.stop();
      await api?.stop();
    });
    beforeEach(() => api.reset());

    it("loads every node and starts the flows", async () => {
      const settings = (await (await fetch(`${nr.url}/settings`)).json()) as { version: string };
      assert.match(settings.version, runtime.version);
      const sets = (await (await fetch(`${nr.url}/nodes`, { headers: { Accept: "application/json" } })).json()) as Array<{ module: string; types: string[]; err?: string }>;
      const ours = sets.filter((s) => s.module === "node-red-contrib-claude");
      assert.deepStrictEqual(ours.filter((s) => s.err).map((s) => s.err), [], "load errors");
      assert.deepStrictEqual(ours.flatMap((s) => s.types).sort(), [...TYPES].sort());
      const state = (await (await fetch(`${nr.url}/flows/state`)).json()) as { state: string };
      assert.strictEqual(state.state, "start");
      assert.match(nr.output(), /Started flows/);
      assert.doesNotMatch(nr.output(), /\[error\]/);
    });

    it("answers a conversation over HTTP and remembers it", async () => {
      api.reply({ content: [{ type: "text", text: "Hello Ada!" }] });
      const first = await post(`${nr.url}/chat`, { text: "I am Ada.", id: "ada" });
      assert.deepStrictEqual(first, { status: 200, text: "Hello Ada!" });
      api.reply({ content: [{ type: "text", text: "You are Ada." }] });
      const second = await post(`${nr.url}/chat`, { text: "Who am I?", id: "ada" });
      assert.strictEqual(second.text, "You are Ada.");
      const replayed = api.messageRequests[1].body.messages;
      assert.deepStrictEqual(replayed.map((m: any) => m.role), ["user", "assistant", "user"]);
      assert.strictEqual(replayed[0].content, "I am Ada.");
      assert.strictEqual(api.messageRequests[1].headers.authorization, `Bearer ${KEY}`);
    });

    it("runs a tool call through the flow and sends the result back in the same turn", async () => {
      api.reply({ content: [{ type: "tool_use", id: "toolu_1", name: "get_temperature", input: { room: "kitchen" } }] });
      api.reply({ content: [{ type: "text", text: "It is 21.5 °C in the kitchen." }] });
      const answer = await post(`${nr.url}/tool`, "How warm is the kitchen?");
      assert.deepStrictEqual(answer, { status: 200, text: "It is 21.5 °C in the kitchen." });
      const offered = api.messageRequests[0].body.tools.map((t: any) => t.name);
      assert.deepStrictEqual(offered, ["get_temperature"]);
      const results = api.messageRequests[1].body.messages[2].content;
      assert.strictEqual(results[0].type, "tool_result");
      assert.strictEqual(results[0].tool_use_id, "toolu_1");
      assert.deepStrictEqual(JSON.parse(typeof results[0].content === "string" ? results[0].content : results[0].content[0].text), { celsius: 21.5 });
    });

    it("generates data checked against the schema", async () => {
      api.reply({ content: [{ type: "text", text: JSON.stringify({ room: "kitchen", celsius: 21.5 }) }] });
      const answer = await post(`${nr.url}/data`, "The kitchen is at 21.5 degrees.");
      assert.strictEqual(answer.status, 200);
      assert.deepStrictEqual(JSON.parse(answer.text), { room: "kitchen", celsius: 21.5 });
    });

    it("lists the account's models for the editor, without the key", async () => {
      const res = await fetch(`${nr.url}/claude-config/account/models`);
      assert.strictEqual(res.status, 200);
      const text = await res.text();
      assert.ok(!text.includes(KEY));
      assert.deepStrictEqual((JSON.parse(text).models as Array<{ id: string }>).map((m) => m.id), api.models.map((m) => m.id));
    });
  });
}
