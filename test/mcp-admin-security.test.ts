// The MCP server node's admin endpoint in a real Node-RED with users and permissions, as for the
// model list: a reader lists a deployed server's tools with its stored token; only a caller who may
// change flows can send a stored token to a URL of their choosing; no answer carries the token.
import assert from "assert";
import { HaMcpStandIn } from "./standins/ha-mcp-standin";
import { deploy } from "./support/chat-process";
import { startWithUsers } from "./support/admin-users";
import type { NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

const TOKEN = "mcp-token-SECRET-0123456789";

describe("MCP admin endpoint and permissions", function () {
  this.timeout(60_000);
  let server: HaMcpStandIn;
  /** Where a caller would like the stored token to go. */
  let elsewhere: HaMcpStandIn;
  let nr: NodeRedProcess;
  let tokens: Record<string, string> = {};

  before(async () => {
    server = new HaMcpStandIn(TOKEN);
    await server.start();
    elsewhere = new HaMcpStandIn("another-token");
    await elsewhere.start();
    ({ nr, tokens } = await startWithUsers([
      { username: "admin", permissions: "*", scope: "*" },
      { username: "viewer", permissions: "read", scope: "read" },
    ], { packages: [REPO_ROOT] }));
    await deploy(nr, [{ id: "tab", type: "tab", label: "mcp" }, { id: "mcp", type: "claude-mcp", name: "tools", connection: "http", url: server.url, tools: [], credentials: { token: TOKEN } }], tokens.admin);
  });
  after(async () => {
    await nr?.stop();
    await server.stop();
    await elsewhere.stop();
  });

  const tools = (method: "GET" | "POST", user?: string, body?: unknown) =>
    fetch(`${nr.url}/claude-mcp/mcp/tools`, {
      method,
      headers: { "content-type": "application/json", ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it("refuses callers who are not logged in", async () => {
    assert.strictEqual((await tools("GET")).status, 401);
    assert.strictEqual((await tools("POST", undefined, { connection: "http", url: elsewhere.url, token: "__PWRD__" })).status, 401);
    assert.strictEqual(elsewhere.requests, 0);
  });

  it("lets a reader list a deployed server's tools, never with the token in the answer", async () => {
    const res = await tools("GET", "viewer");
    const text = await res.text();
    assert.strictEqual(res.status, 200, text);
    assert.deepStrictEqual(JSON.parse(text).tools.map((t: any) => t.name), ["HassTurnOn", "HassTurnOff", "HassLightSet", "GetLiveContext"]);
    assert.ok(!text.includes(TOKEN));
    // A reader may not send the stored token elsewhere.
    const redirect = await tools("POST", "viewer", { connection: "http", url: elsewhere.url, token: "__PWRD__" });
    assert.ok([401, 403].includes(redirect.status), `refused (${redirect.status})`);
    assert.strictEqual(elsewhere.requests, 0, "the token never went to the caller's URL");
  });

  it("lets a caller who may change flows try a URL with the stored token, without echoing it", async () => {
    const res = await tools("POST", "admin", { connection: "http", url: elsewhere.url, token: "__PWRD__" });
    const text = await res.text();
    assert.strictEqual(res.status, 502, text);
    assert.match(JSON.parse(text).error.message, /refused the token/);
    assert.ok(elsewhere.requests > 0);
    assert.ok(!text.includes(TOKEN));
  });

  it("keeps the token out of the flows and credentials answers", async () => {
    const answers = await Promise.all(
      [
        fetch(`${nr.url}/flows`, { headers: { authorization: `Bearer ${tokens.viewer}` } }),
        fetch(`${nr.url}/credentials/claude-mcp/mcp`, { headers: { authorization: `Bearer ${tokens.admin}` } }),
      ].map(async (r) => (await r).text()),
    );
    for (const text of answers) assert.ok(!text.includes(TOKEN), text.slice(0, 200));
    assert.match(answers[1], /"has_token":true/);
  });
});
