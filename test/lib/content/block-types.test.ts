import assert from "assert";
import * as fs from "fs";
import { BLOCK_ROLES, INPUT_BLOCK_FIELDS, TOOL_RESULT_BLOCKS } from "../../../nodes/lib/content/block-types";

// The declarations of the installed SDK: when an update adds a block type or a field, these fail
// until the lists know it (the typed lists also fail the build).
// The compiled module the code imports sits next to its declarations.
const declarations = fs.readFileSync(require.resolve("@anthropic-ai/sdk/resources/messages/messages").replace(/\.js$/, ".d.ts"), "utf8");

function interfaceBody(name: string): string {
  const match = new RegExp(`^export interface ${name} \\{\\n([\\s\\S]*?)^\\}`, "m").exec(declarations);
  assert.ok(match, `the SDK declares ${name}`);
  return match[1];
}

/** The top-level fields of an interface (members indented by four spaces, comments skipped). */
function fieldsOf(name: string): string[] {
  return [...interfaceBody(name).matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]).sort();
}

function typeOf(name: string): string {
  const match = /^ {4}type: '([^']+)';/m.exec(interfaceBody(name));
  assert.ok(match, `${name} has a literal type`);
  return match[1];
}

function unionMembers(declaration: RegExp): string[] {
  const match = declaration.exec(declarations);
  assert.ok(match, `the SDK declares ${declaration}`);
  return match[1].split("|").map((s) => s.trim());
}

describe("content block types against the SDK", () => {
  it("knows every block type of ContentBlockParam, and no other", () => {
    const types = unionMembers(/^export type ContentBlockParam = ([^;]+);/m).map(typeOf).sort();
    assert.ok(types.includes("search_result") && types.includes("text"), "the declarations were read");
    assert.deepStrictEqual(Object.keys(BLOCK_ROLES).sort(), types);
  });

  it("knows every block type a tool result may hold, and no other", () => {
    const types = unionMembers(/^ {4}content\?: string \| Array<([^>]+)>;/m).map(typeOf).sort();
    assert.ok(types.includes("search_result"), "the tool result content was read");
    assert.deepStrictEqual(Object.keys(TOOL_RESULT_BLOCKS).sort(), types);
  });

  for (const [type, name] of [
    ["text", "TextBlockParam"],
    ["image", "ImageBlockParam"],
    ["document", "DocumentBlockParam"],
    ["search_result", "SearchResultBlockParam"],
  ] as const) {
    it(`takes exactly the fields of ${name} on ${type} blocks`, () => {
      assert.deepStrictEqual([...INPUT_BLOCK_FIELDS[type]].sort(), fieldsOf(name));
    });
  }
});
