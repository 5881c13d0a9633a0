// Each default and list is written once in nodes/lib/defaults.ts; the editor's HTML repeats what a
// dialog starts with. These checks fail when the two disagree.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import { ACCOUNT_DEFAULTS, CONVERSATION_DEFAULTS, EFFORT_LEVELS, MCP_DEFAULTS, TOOL_DEFAULTS, TOOL_NAME } from "../nodes/lib/defaults";
import { DEFAULT_OPTIONS } from "../nodes/lib/api/options";

const NODES = path.join(__dirname, "../../nodes");

/** What each node's dialog starts with, by node type. */
const EDITOR_DEFAULTS: Record<string, Record<string, unknown>> = {
  "claude-config": ACCOUNT_DEFAULTS,
  "claude-conversation": CONVERSATION_DEFAULTS,
  "claude-tool": TOOL_DEFAULTS,
  "claude-mcp": MCP_DEFAULTS,
};

/** Runs a node's editor scripts against a stand-in RED that records what registerType receives. */
function registered(file: string): Record<string, any> {
  const html = fs.readFileSync(path.join(NODES, file), "utf8");
  const types: Record<string, any> = {};
  const RED = {
    nodes: { registerType: (type: string, def: any) => (types[type] = def) },
    validators: {
      number: () => () => true,
      regex: (re: RegExp) => Object.assign(() => true, { regex: re }),
      typedInput: () => () => true,
    },
  };
  const scripts = [...html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  assert.ok(scripts.length > 0, `${file} has an editor script`);
  for (const script of scripts) vm.runInNewContext(script, { RED, $: () => ({}), window: {}, ClaudeEditor: { text: (key: string) => key } });
  return types;
}

function editorDefaults(type: string): Record<string, unknown> {
  const def = registered(`${type}.html`)[type];
  return Object.fromEntries(Object.entries(def.defaults as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
}

describe("editor and runtime defaults", () => {
  for (const [type, defaults] of Object.entries(EDITOR_DEFAULTS)) {
    it(`${type}: the dialog starts with the runtime's defaults`, () => {
      const editor = editorDefaults(type);
      for (const [name, value] of Object.entries(defaults)) {
        assert.ok(name in editor, `${type}.html has a default for ${name}`);
        assert.deepStrictEqual(editor[name], value, `${type}.${name}`);
      }
    });
  }

  it("the account's runtime options start from the same defaults", () => {
    const account = EDITOR_DEFAULTS["claude-config"];
    assert.deepStrictEqual(
      [DEFAULT_OPTIONS.model, DEFAULT_OPTIONS.maxTokens, DEFAULT_OPTIONS.thinking, DEFAULT_OPTIONS.thinkingBudget, DEFAULT_OPTIONS.effort, DEFAULT_OPTIONS.caching, DEFAULT_OPTIONS.cacheTtl, DEFAULT_OPTIONS.webSearch.maxUses, DEFAULT_OPTIONS.webFetch.maxUses],
      [account.model, account.maxTokens, account.thinking, account.thinkingBudget, account.effort, account.caching, account.cacheTtl, account.webSearchMaxUses, account.webFetchMaxUses],
    );
  });

  it("the tool dialog checks names with the runtime's pattern", () => {
    const validate = registered("claude-tool.html")["claude-tool"].defaults.name.validate;
    for (const name of ["get_weather", "a", "x".repeat(64), "A-1_b", "", "get weather", "x".repeat(65), "wetter?", "ünits"]) {
      // Refused names get the runtime's reason (from the shared catalog), accepted ones true.
      assert.strictEqual(validate(name, {}), TOOL_NAME.test(name) ? true : "errors.tool-bad-name", name);
    }
  });

  it("the account dialog offers the runtime's effort levels, in order", () => {
    const html = fs.readFileSync(path.join(NODES, "claude-config.html"), "utf8");
    const select = /<select id="node-config-input-effort">([\s\S]*?)<\/select>/.exec(html)?.[1] ?? "";
    const offered = [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    assert.deepStrictEqual(offered, ["", ...EFFORT_LEVELS]);
  });
});
