// The admin endpoints behind the account dialog honour Node-RED's permissions (adminAuth): a read-only
// user sees a deployed account's models but cannot send its key anywhere else; only users who may
// change flows can try a typed key or another base URL.
import assert from "assert";
import * as path from "path";
import { AnthropicStandIn } from "./support/anthropic-standin";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

// Node-RED's own bcrypt, which it checks adminAuth passwords with.
const bcrypt = require(require.resolve("bcryptjs", { paths: [path.dirname(require.resolve("node-red/package.json"))] }));

const KEY = "sk-ant-permissions-KEY-0123456789";
const PASSWORD = "correct horse battery staple";
const USERS = { reader: "read", writer: "*", "config-only": ["read", "claude-config.write"] } as Record<string, string | string[]>;

describe("admin endpoints under Node-RED's adminAuth", function () {
  this.timeout(60_000);
  let api: AnthropicStandIn;
  let elsewhere: AnthropicStandIn;
  let nr: NodeRedProcess;
  const tokens: Record<string, string> = {};

  before(async () => {
    api = await new AnthropicStandIn().start();
    elsewhere = await new AnthropicStandIn().start();
    const hash = bcrypt.hashSync(PASSWORD, 8);
    nr = await startNodeRed({
      packages: [REPO_ROOT],
      flows: [{ id: "account", type: "claude-config", name: "home", baseUrl: api.url, model: "claude-haiku-4-5" }],
      env: { ANTHROPIC_API_KEY: KEY },
      settings: {
        adminAuth: { type: "credentials", users: Object.entries(USERS).map(([username, permissions]) => ({ username, password: hash, permissions })) },
      },
    });
    for (const username of Object.keys(USERS)) {
      const res = await fetch(`${nr.url}/auth/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        // An empty scope asks for the user's own permissions.
        body: JSON.stringify({ client_id: "node-red-admin", grant_type: "password", scope: "", username, password: PASSWORD }),
      });
      assert.strictEqual(res.status, 200, `log in as ${username}`);
      tokens[username] = ((await res.json()) as { access_token: string }).access_token;
    }
  });
  after(async () => {
    await nr?.stop();
    await api?.stop();
    await elsewhere?.stop();
  });
  beforeEach(() => {
    api.reset();
    elsewhere.reset();
  });

  function call(user: string | undefined, method: "GET" | "POST", path: string, body?: unknown) {
    return fetch(`${nr.url}${path}`, {
      method,
      headers: { ...(user ? { Authorization: `Bearer ${tokens[user]}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  it("lets a read-only user list a deployed account's models, with the account's own host and key", async () => {
    const res = await call("reader", "GET", "/claude-config/account/models");
    assert.strictEqual(res.status, 200);
    assert.ok(((await res.json()) as any).models.length > 0);
    assert.strictEqual(api.requests[0].headers.authorization, `Bearer ${KEY}`);
  });

  it("refuses the list to someone not logged in", async () => {
    assert.strictEqual((await call(undefined, "GET", "/claude-config/account/models")).status, 401);
    assert.strictEqual(api.requests.length, 0);
  });

  it("does not let a read-only user point the deployed account's key at another host", async () => {
    const res = await call("reader", "POST", "/claude-config/account/models", { apiKey: "__PWRD__", baseUrl: elsewhere.url });
    assert.strictEqual(res.status, 401);
    assert.strictEqual(elsewhere.requests.length, 0);
  });

  it("asks for flows.write as well as claude-config.write before taking a base URL", async () => {
    const res = await call("config-only", "POST", "/claude-config/account/models", { apiKey: "__PWRD__", baseUrl: elsewhere.url });
    assert.strictEqual(res.status, 401);
    assert.strictEqual(elsewhere.requests.length, 0);
  });

  it("lets a user who may change flows try a typed key against a base URL", async () => {
    const res = await call("writer", "POST", "/claude-config/new-account/models", { apiKey: "sk-ant-typed", baseUrl: elsewhere.url });
    assert.strictEqual(res.status, 200);
    assert.strictEqual(elsewhere.requests[0].headers.authorization, "Bearer sk-ant-typed");
  });

  it("lets a read-only user check a schema", async () => {
    const res = await call("reader", "POST", "/claude-schema/check", { schema: '{"type":"object"}', use: "tool" });
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(await res.json(), { ok: true });
  });
});
