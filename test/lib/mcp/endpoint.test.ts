import assert from "assert";
import { haEndpoint, httpEndpoint, parseHeaders, stdioEndpoint } from "../../../nodes/lib/mcp/endpoint";
import { apiToolName, offeredTools } from "../../../nodes/lib/mcp/convert";

const keyOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err: any) {
    return err.key;
  }
  return undefined;
};

describe("MCP endpoints and names", () => {
  it("takes Home Assistant's URL and token from its server node, or the add-on's access", () => {
    assert.deepStrictEqual(haEndpoint({ host: "http://ha.local:8123/", access_token: "abc" }), { url: "http://ha.local:8123/api/mcp", token: "abc" });
    assert.deepStrictEqual(haEndpoint({ addon: true }, { SUPERVISOR_TOKEN: "sup" }), { url: "http://supervisor/core/api/mcp", token: "sup" });
    assert.deepStrictEqual(haEndpoint({ host: "http://supervisor/core", access_token: "x" }, { SUPERVISOR_TOKEN: "sup" }).token, "sup");
    assert.strictEqual(keyOf(() => haEndpoint({ addon: true }, {})), "errors.mcp-no-supervisor-token");
    assert.strictEqual(keyOf(() => haEndpoint({ host: "http://ha.local" })), "errors.mcp-ha-incomplete");
  });

  it("sends the token as a bearer header beside the other headers, and checks the URL", () => {
    assert.deepStrictEqual(httpEndpoint("https://x.example/mcp", "t0k", { "X-Org": "1" }), { kind: "http", url: "https://x.example/mcp", headers: { "X-Org": "1", Authorization: "Bearer t0k" } });
    assert.strictEqual(keyOf(() => httpEndpoint("ftp://x", undefined, {})), "errors.mcp-bad-url");
    assert.strictEqual(keyOf(() => httpEndpoint("not a url", undefined, {})), "errors.mcp-bad-url");
    assert.deepStrictEqual(parseHeaders("X-Api-Key: a:b\n\n  X-Team : blue "), { "X-Api-Key": "a:b", "X-Team": "blue" });
    assert.strictEqual(keyOf(() => parseHeaders("no colon here")), "errors.mcp-bad-header");
  });

  it("splits a command line without a shell, keeping quoted spaces", () => {
    assert.deepStrictEqual(stdioEndpoint(`"/usr/bin/my node" server.js --name 'a b' "x\\"y"`), { kind: "stdio", command: "/usr/bin/my node", args: ["server.js", "--name", "a b", 'x"y'] });
    assert.strictEqual(keyOf(() => stdioEndpoint("   ")), "errors.mcp-no-command");
  });

  it("offers names the API accepts, unique, and skips tools whose schema is not an object", () => {
    assert.strictEqual(apiToolName("files.read/all"), "files_read_all");
    const { offered, skipped } = offeredTools(
      [
        { name: "a.b", inputSchema: { type: "object" } },
        { name: "a/b", inputSchema: { type: "object" } },
        { name: "Ok", description: "fine", inputSchema: { type: "object", anyOf: [{ properties: { x: { type: "string" } }, required: ["x"] }, { properties: { y: { type: "number" } } }] } as any },
        { name: "Bad", inputSchema: { type: "string" } as any },
        { name: "NotAllowed", inputSchema: { type: "object" } },
      ],
      new Set(["a.b", "a/b", "Ok", "Bad"]),
    );
    assert.deepStrictEqual(offered.map((o) => [o.definition.name, o.serverName]), [["a_b", "a.b"], ["a_b_2", "a/b"], ["Ok", "Ok"]]);
    assert.deepStrictEqual(offered[2].definition.input_schema, { type: "object", properties: { x: { type: "string" }, y: { type: "number" } } });
    assert.deepStrictEqual(skipped.map((s) => s.name), ["Bad"]);
  });
});
