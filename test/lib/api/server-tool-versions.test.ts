import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SERVER_TOOL_VERSIONS, newestVersions, olderVersions, versionsIn, withVersions } from "../../../nodes/lib/api/server-tool-versions";

/** Every `type: 'web_search_…'` (etc.) the installed SDK's request types know. */
function sdkVersions(tool: string): string[] {
  const file = path.join(path.dirname(require.resolve("@anthropic-ai/sdk/resources/messages/messages")), "messages.d.ts");
  const types = fs.readFileSync(file, "utf8");
  return [...new Set([...types.matchAll(new RegExp(`type: '(${tool}_\\d{8})'`, "g"))].map((m) => m[1]))].sort().reverse();
}

describe("server tool versions", () => {
  it("lists every version the SDK knows, newest first (fails when the SDK adds one)", () => {
    for (const tool of ["web_search", "web_fetch", "code_execution"] as const) {
      const known = sdkVersions(tool).filter((v) => v !== "code_execution_20250522"); // Python-only legacy version
      assert.deepStrictEqual([...SERVER_TOOL_VERSIONS[tool]], known, tool);
    }
  });

  it("picks the newest, or the newest without code where the entry reports no code execution", () => {
    assert.deepStrictEqual(newestVersions(undefined), { web_search: "web_search_20260318", web_fetch: "web_fetch_20260318", code_execution: "code_execution_20260521" });
    const noCode = { server_tools: { supported: true, web_search: { supported: true }, code_execution: { supported: false } }, code_execution: { supported: false } } as any;
    assert.deepStrictEqual(newestVersions(noCode), { web_search: "web_search_20250305", web_fetch: "web_fetch_20250910", code_execution: "code_execution_20260521" });
  });

  it("steps the version the API refused down by one, and no further than the oldest", () => {
    const choice = { web_search: "web_search_20260318", code_execution: "code_execution_20260521" };
    assert.deepStrictEqual(olderVersions(choice, "tools.0: 'web_search_20260318' is not supported"), { ...choice, web_search: "web_search_20260209" });
    assert.deepStrictEqual(olderVersions(choice, "tools.1: 'code_execution_20260521' is not supported"), { ...choice, code_execution: "code_execution_20260120" });
    assert.strictEqual(olderVersions(choice, "messages: at least one message is required"), undefined);
    assert.strictEqual(olderVersions({ web_search: "web_search_20250305" }, "'web_search_20250305' is not supported"), undefined);
    // A model without programmatic calling asks for allowed_callers rather than naming the version.
    const refusal = "tools.0: this model requires allowed_callers: [\"direct\"] for this tool";
    assert.deepStrictEqual(olderVersions({ ...choice, web_fetch: "web_fetch_20260309" }, refusal), { web_search: "web_search_20250305", web_fetch: "web_fetch_20250910", code_execution: "code_execution_20260521" });
    assert.strictEqual(olderVersions({ web_search: "web_search_20250305" }, refusal), undefined, "nothing left to step down");
  });

  it("reads and renames the server tools of a tools list, leaving client tools alone", () => {
    const tools = [{ name: "lamp", type: "custom" }, { type: "web_search_20260318", name: "web_search", max_uses: 2 }];
    assert.deepStrictEqual(versionsIn(tools), { web_search: "web_search_20260318" });
    assert.deepStrictEqual(withVersions(tools, { web_search: "web_search_20250305" }), [tools[0], { type: "web_search_20250305", name: "web_search", max_uses: 2 }]);
  });
});
