// The account dialog's model list: the admin endpoints, against the stand-in Anthropic server.
import assert from "assert";
import { AnthropicStandIn, DEFAULT_MODELS } from "./standins/anthropic-standin";
import { freePort } from "./support/node-red-process";
import { ALL_NODES, KEY, account, helper, useStandIn } from "./support/nodes";
import { loadChat, say } from "./support/chat";
import { totalTokens } from "../nodes/lib/api/usage";

const TYPED_KEY = "sk-ant-typed-in-the-dialog-9876543210";

async function deploy(api: AnthropicStandIn, extra: Record<string, unknown> = {}) {
  await helper.load(ALL_NODES, [account(api.url, extra)], { account: { apiKey: KEY } });
}

function keysOf(request: { headers: Record<string, unknown> }): string {
  return String(request.headers.authorization ?? "");
}

describe("admin endpoints: the account dialog's model list", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => (api = standIn()));

  it("lists a deployed account's models with what each supports, using its key", async () => {
    await deploy(api);
    const res = await helper.request().get("/claude-config/account/models").expect(200);
    assert.deepStrictEqual(
      res.body.models.map((m: any) => [m.id, m.display_name]),
      DEFAULT_MODELS.map((m) => [m.id, m.display_name]),
    );
    const haiku = res.body.models.find((m: any) => m.id === "claude-haiku-4-5");
    const sonnet = res.body.models.find((m: any) => m.id === "claude-sonnet-4-6");
    const legacy = res.body.models.find((m: any) => m.id === "claude-legacy-1");
    assert.deepStrictEqual(haiku.capabilities.effort, []);
    assert.deepStrictEqual(haiku.capabilities.thinking, { adaptive: false, budget: true });
    assert.deepStrictEqual(sonnet.capabilities.effort, ["low", "medium", "high", "max"]);
    assert.deepStrictEqual(sonnet.capabilities.thinking, { adaptive: true, budget: true });
    assert.strictEqual(sonnet.max_tokens, 128000);
    assert.strictEqual(legacy.capabilities.structured_outputs, false);
    assert.strictEqual(sonnet.capabilities.structured_outputs, true);
    const listed = api.requests.filter((r) => r.path === "/v1/models");
    assert.strictEqual(listed.length, 1);
    assert.strictEqual(keysOf(listed[0]), `Bearer ${KEY}`);
    assert.ok(!res.text.includes(KEY), "the key is not in the answer");
  });

  it("leaves retired models out of the list", async () => {
    api.models = [...DEFAULT_MODELS, { id: "claude-old-2", display_name: "Claude Old", lifecycle: "retired" }];
    await deploy(api);
    const res = await helper.request().get("/claude-config/account/models").expect(200);
    assert.ok(res.body.models.length === DEFAULT_MODELS.length);
    assert.ok(!res.body.models.some((m: any) => m.id === "claude-old-2"));
  });

  it("says when the account is not deployed", async () => {
    await deploy(api);
    const res = await helper.request().get("/claude-config/nope/models").expect(404);
    assert.strictEqual(res.body.error.key, "errors.not-deployed");
    assert.strictEqual(res.body.error.message, "This account is not deployed yet.");
    assert.strictEqual(api.requests.length, 0);
  });

  it("GET takes no base URL from the caller: the deployed account's host is asked, never another", async () => {
    const elsewhere = await new AnthropicStandIn().start();
    try {
      await deploy(api);
      await helper.request().get(`/claude-config/account/models?baseUrl=${encodeURIComponent(elsewhere.url)}`).send({ baseUrl: elsewhere.url }).expect(200);
      assert.strictEqual(elsewhere.requests.length, 0, "the other host saw nothing");
      assert.strictEqual(api.requests.length, 1);
    } finally {
      await elsewhere.stop();
    }
  });

  it("POST lists models for an account not deployed yet, with the key just typed, and never echoes it", async () => {
    api.acceptedKeys = [TYPED_KEY];
    await helper.load(ALL_NODES, []);
    const res = await helper.request().post("/claude-config/new-account/models").send({ apiKey: TYPED_KEY, baseUrl: api.url }).expect(200);
    assert.strictEqual(res.body.models.length, DEFAULT_MODELS.length);
    assert.strictEqual(keysOf(api.requests[0]), `Bearer ${TYPED_KEY}`);
    assert.ok(!res.text.includes(TYPED_KEY));
  });

  it("POST with the unchanged password field uses the deployed account's stored key", async () => {
    api.acceptedKeys = [KEY];
    await deploy(api);
    await helper.request().post("/claude-config/account/models").send({ apiKey: "__PWRD__", baseUrl: api.url }).expect(200);
    assert.strictEqual(keysOf(api.requests[0]), `Bearer ${KEY}`);
  });

  it("POST sends the typed extra headers, or refuses them clearly without repeating their values", async () => {
    await helper.load(ALL_NODES, []);
    const headers = JSON.stringify({ "x-gateway-token": "typed-gateway-TOKEN-1" });
    await helper.request().post("/claude-config/new-account/models").send({ apiKey: KEY, baseUrl: api.url, headers }).expect(200);
    assert.strictEqual(api.requests[0].headers["x-gateway-token"], "typed-gateway-TOKEN-1");
    const refused = await helper.request().post("/claude-config/new-account/models").send({ apiKey: KEY, baseUrl: api.url, headers: '{"x-token": "typed-secret-value\\nx-evil: 1"}' }).expect(400);
    assert.match(refused.body.error.message, /The extra headers cannot be used: the value of "x-token" is not one line of text/);
    assert.ok(!refused.text.includes("typed-secret-value"));
    assert.strictEqual(api.requests.length, 1, "nothing was sent with headers that cannot be used");
  });

  it("POST refuses a base URL with user info, naming it without that part", async () => {
    await helper.load(ALL_NODES, []);
    const res = await helper.request().post("/claude-config/new-account/models").send({ apiKey: KEY, baseUrl: api.url.replace("://", "://me:pass-WORD-77@") }).expect(400);
    assert.strictEqual(res.body.error.key, "errors.base-url-credentials");
    assert.strictEqual(res.body.error.params.url, `${api.url}/`);
    assert.ok(!res.text.includes("pass-WORD-77"));
    assert.strictEqual(api.requests.length, 0);
  });

  it("POST with an empty key uses ANTHROPIC_API_KEY, as the node does at run time", async () => {
    const before = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = "sk-ant-from-the-environment-000";
    try {
      await helper.load(ALL_NODES, []);
      await helper.request().post("/claude-config/new-account/models").send({ apiKey: "", baseUrl: api.url }).expect(200);
      assert.strictEqual(keysOf(api.requests[0]), "Bearer sk-ant-from-the-environment-000");
    } finally {
      if (before === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = before;
    }
  });

  it("says clearly when the key is refused, without the key and without a 401 (which would log the editor out)", async () => {
    api.acceptedKeys = ["sk-ant-the-right-one"];
    await helper.load(ALL_NODES, []);
    const res = await helper.request().post("/claude-config/new-account/models").send({ apiKey: TYPED_KEY, baseUrl: api.url }).expect(502);
    assert.strictEqual(res.body.error.key, "errors.unauthorized");
    assert.strictEqual(res.body.error.status, 401);
    assert.match(res.body.error.message, /key was refused/);
    assert.ok(!res.text.includes(TYPED_KEY));
  });

  it("says clearly when the API cannot be reached", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    await helper.load(ALL_NODES, []);
    const res = await helper.request().post("/claude-config/new-account/models").send({ apiKey: TYPED_KEY, baseUrl: closed }).expect(502);
    assert.strictEqual(res.body.error.key, "errors.connection");
    assert.match(res.body.error.message, /Could not reach the Claude API/);
  });

  it("says when there is no key at all", async () => {
    const before = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      await helper.load(ALL_NODES, []);
      // Not a failed request: a new account starts without a key, and the dialog asks for one.
      const res = await helper.request().post("/claude-config/new-account/models").send({ apiKey: "", baseUrl: api.url }).expect(200);
      assert.deepStrictEqual(res.body, { models: null, missing: "key" });
      assert.strictEqual(api.requests.length, 0);
    } finally {
      if (before !== undefined) process.env.ANTHROPIC_API_KEY = before;
    }
  });

  it("rejects a base URL that is not http(s)", async () => {
    await helper.load(ALL_NODES, []);
    const res = await helper.request().post("/claude-config/new-account/models").send({ apiKey: TYPED_KEY, baseUrl: "file:///etc/passwd" }).expect(400);
    assert.strictEqual(res.body.error.key, "errors.bad-base-url");
  });

  it("redacts the key even when a host echoes it back", async () => {
    api.models = [{ id: "claude-echo", display_name: `echo ${TYPED_KEY}` }];
    await helper.load(ALL_NODES, []);
    const res = await helper.request().post("/claude-config/new-account/models").send({ apiKey: TYPED_KEY, baseUrl: api.url }).expect(200);
    assert.strictEqual(res.body.models[0].display_name, "echo [redacted]");
  });
});

describe("admin endpoints: today's count in the account dialog", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => (api = standIn()));

  it("answers a deployed account's count of today and its daily limit, and nothing for one not deployed", async () => {
    const nodes = await loadChat(api, {}, { maxDailyTokens: 5000 });
    assert.deepStrictEqual((await helper.request().get("/claude-config/account/usage").expect(200)).body, { tokens: 0, max: 5000 });
    const msg = await say(nodes, { payload: "hello", conversation_id: "a" });
    const used = totalTokens(msg.claude.usage);
    assert.ok(used > 0);
    const res = await helper.request().get("/claude-config/account/usage").expect(200);
    assert.deepStrictEqual(res.body, { tokens: used, max: 5000 });
    assert.strictEqual(res.headers["cache-control"], "no-store");
    assert.deepStrictEqual((await helper.request().get("/claude-config/nowhere/usage").expect(200)).body, { tokens: null });
  });
});

describe("admin endpoints: checking a schema as it is typed", function () {
  useStandIn();
  beforeEach(async () => {
    await helper.load(ALL_NODES, []);
  });

  async function check(schema: unknown, use: "tool" | "data") {
    return (await helper.request().post("/claude-schema/check").send({ schema, use }).expect(200)).body;
  }

  it("accepts a tool's object schema and an empty one", async () => {
    assert.deepStrictEqual(await check('{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}', "tool"), { ok: true });
    assert.deepStrictEqual(await check("", "tool"), { ok: true });
  });

  it("says why a tool's schema will not do, as the tool node would at start", async () => {
    const array = await check('{"type":"array"}', "tool");
    assert.strictEqual(array.ok, false);
    assert.strictEqual(array.error.key, "errors.schema-not-object-type");
    const typo = await check('{"type":"object","properties":{"city":{"type":"strin"}}}', "tool");
    assert.strictEqual(typo.error.key, "errors.tool-bad-schema");
    assert.match(typo.error.message, /The input schema is unusable/);
  });

  it("catches a misspelt keyword in generate data's schema (ajv's strict mode)", async () => {
    const answer = await check('{"type":"object","properties":{"celsius":{"type":"number","maximun":60}}}', "data");
    assert.strictEqual(answer.ok, false);
    assert.strictEqual(answer.error.key, "errors.bad-schema");
    assert.match(answer.error.message, /maximun/);
    assert.deepStrictEqual(await check('{"type":"array","items":{"type":"string"}}', "data"), { ok: true });
  });
});
