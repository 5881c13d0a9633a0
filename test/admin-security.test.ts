// The package's admin endpoints in a real Node-RED with users and permissions: they need the right
// permission, a caller who may only read cannot send a deployed account's key to a host of their
// choosing, and no answer ever carries the key.
import assert from "assert";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { deploy, processChatFlow } from "./support/chat-process";
import { KEY } from "./support/nodes";
import { startWithUsers } from "./support/admin-users";
import type { NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

describe("admin endpoints and permissions", function () {
  this.timeout(60_000);
  let api: AnthropicStandIn;
  /** Where a caller would like the deployed account's key to go. */
  let elsewhere: AnthropicStandIn;
  let nr: NodeRedProcess;
  let tokens: Record<string, string> = {};

  before(async () => {
    api = await new AnthropicStandIn().start();
    elsewhere = await new AnthropicStandIn().start();
    ({ nr, tokens } = await startWithUsers([
      { username: "admin", permissions: "*", scope: "*" },
      { username: "viewer", permissions: "read", scope: "read" },
      // May change Claude accounts but not flows: not enough to name a host for a key.
      { username: "accounts-only", permissions: ["read", "claude-config.write"], scope: "" },
    ], { packages: [REPO_ROOT] }));
    await deploy(nr, processChatFlow(api.url, { apiKey: KEY }), tokens.admin);
  });
  after(async () => {
    await nr?.stop();
    await api.stop();
    await elsewhere.stop();
  });

  const models = (method: "GET" | "POST", user?: string, body?: unknown) =>
    fetch(`${nr.url}/claude-config/chat-account/models`, {
      method,
      headers: { "content-type": "application/json", ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it("refuses callers who are not logged in", async () => {
    assert.strictEqual((await fetch(`${nr.url}/claude-config/chat-account/usage`)).status, 401);
    assert.strictEqual((await models("GET")).status, 401);
    assert.strictEqual((await models("POST", undefined, { apiKey: "__PWRD__", baseUrl: elsewhere.url })).status, 401);
    assert.strictEqual(elsewhere.requests.length, 0);
  });

  it("lets a reader see today's count, without the key", async () => {
    const res = await fetch(`${nr.url}/claude-config/chat-account/usage`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
    const text = await res.text();
    assert.strictEqual(res.status, 200, text);
    assert.strictEqual(typeof JSON.parse(text).tokens, "number");
    assert.ok(!text.includes(KEY));
  });

  it("lets a reader list the deployed account's models from its own host, and nothing more", async () => {
    const res = await models("GET", "viewer");
    const text = await res.text();
    assert.strictEqual(res.status, 200, text);
    assert.ok(JSON.parse(text).models.length > 0);
    assert.ok(!text.includes(KEY));
    assert.ok(api.requests.some((r) => r.path === "/v1/models" && r.headers.authorization === `Bearer ${KEY}`), "the deployed host was asked with the key");

    // A reader may not name another host for the stored key (nor try a key of their own).
    const redirect = await models("POST", "viewer", { apiKey: "__PWRD__", baseUrl: elsewhere.url });
    assert.ok([401, 403].includes(redirect.status), `refused (${redirect.status})`);
    assert.ok(!(await redirect.text()).includes(KEY));
    assert.strictEqual(elsewhere.requests.length, 0, "the key never went to the caller's host");
  });

  it("lets a caller who may change flows try a host, as they could deploy it anyway, without echoing the key", async () => {
    const res = await models("POST", "admin", { apiKey: "__PWRD__", baseUrl: elsewhere.url });
    const text = await res.text();
    assert.strictEqual(res.status, 200, text);
    assert.ok(!text.includes(KEY));
    assert.strictEqual(elsewhere.requests[0].headers.authorization, `Bearer ${KEY}`);
  });

  it("asks for flows.write as well as claude-config.write before taking a host", async () => {
    const before = elsewhere.requests.length;
    const res = await models("POST", "accounts-only", { apiKey: "__PWRD__", baseUrl: elsewhere.url });
    assert.strictEqual(res.status, 401);
    assert.strictEqual(elsewhere.requests.length, before, "the key never went to the caller's host");
  });

  it("lets a reader check a schema as it is typed", async () => {
    const res = await fetch(`${nr.url}/claude-schema/check`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.viewer}` },
      body: JSON.stringify({ schema: '{"type":"object"}', use: "tool" }),
    });
    assert.strictEqual(res.status, 200);
    assert.deepStrictEqual(await res.json(), { ok: true });
    assert.strictEqual((await fetch(`${nr.url}/claude-schema/check`, { method: "POST" })).status, 401);
  });

  it("keeps the key out of every admin answer", async () => {
    const answers = await Promise.all(
      [
        fetch(`${nr.url}/flows`, { headers: { authorization: `Bearer ${tokens.viewer}` } }),
        fetch(`${nr.url}/credentials/claude-config/chat-account`, { headers: { authorization: `Bearer ${tokens.admin}` } }),
        fetch(`${nr.url}/nodes`, { headers: { authorization: `Bearer ${tokens.admin}`, accept: "application/json" } }),
        models("GET", "admin"),
      ].map(async (r) => (await r).text()),
    );
    for (const text of answers) assert.ok(!text.includes(KEY), text.slice(0, 200));
    assert.match(answers[1], /"has_apiKey":true/);
  });
});
