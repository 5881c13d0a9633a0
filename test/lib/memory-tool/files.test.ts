import assert from "assert";
import { MemoryCommandError, MemoryFiles, type MemoryCommand } from "../../../nodes/lib/memory-tool/files";
import { memoryPath, MemoryPathError } from "../../../nodes/lib/memory-tool/paths";

function memory(files: Record<string, string> = {}, limits = { fileChars: 100, totalChars: 250, files: 4 }) {
  return new MemoryFiles({ files: { ...files } }, limits);
}
const run = (m: MemoryFiles, command: Record<string, unknown>) => m.run(command as unknown as MemoryCommand);
const refused = (m: MemoryFiles, command: Record<string, unknown>, pattern: RegExp, kind: new (...args: any[]) => Error = MemoryCommandError) =>
  assert.throws(() => run(m, command), (err: any) => err instanceof kind && pattern.test(err.message));

describe("memory tool files", () => {
  describe("paths", () => {
    it("takes plain paths under /memories, without a trailing slash", () => {
      assert.strictEqual(memoryPath("/memories"), "/memories");
      assert.strictEqual(memoryPath("/memories/"), "/memories");
      assert.strictEqual(memoryPath("/memories/household/people.md"), "/memories/household/people.md");
      assert.strictEqual(memoryPath("/memories/50%.md"), "/memories/50%.md", "a percent sign that encodes nothing is a plain name");
    });

    const traversals = [
      "/memories/../etc/passwd",
      "/memories/notes/../../secret",
      "/memories/./notes.md",
      "/memories//notes.md",
      "/etc/passwd",
      "memories/notes.md",
      "/memoriesX/notes.md",
      "/memories/%2e%2e/secret",
      "/memories/%2E%2E%2Fsecret",
      "/memories/%252e%252e/secret",
      "/memories/notes%2f..%2f..%2fsecret",
      "/memories/..%5csecret",
      "/memories/notes\\..\\secret",
      "/memories/a\u0000b",
      "../memories/notes.md",
      "",
    ];
    for (const path of traversals) {
      it(`refuses ${JSON.stringify(path)}`, () => {
        assert.throws(() => memoryPath(path), MemoryPathError);
        const m = memory({ "/memories/notes.md": "x" });
        for (const command of ["view", "create", "str_replace", "insert", "delete"]) {
          refused(m, { command, path, file_text: "x", old_str: "x", new_str: "y", insert_line: 0, insert_text: "y" }, /./, MemoryPathError);
        }
        refused(m, { command: "rename", old_path: "/memories/notes.md", new_path: path }, /./, MemoryPathError);
        refused(m, { command: "rename", old_path: path, new_path: "/memories/other.md" }, /./, MemoryPathError);
        assert.deepStrictEqual(m.data.files, { "/memories/notes.md": "x" }, "nothing changed");
      });
    }

    it("refuses a path that is not text", () => {
      assert.throws(() => memoryPath(42), MemoryPathError);
      assert.throws(() => memoryPath(undefined), MemoryPathError);
    });
  });

  it("view lists a directory up to 2 levels deep, with sizes, hidden files left out", () => {
    const m = memory({ "/memories/a.md": "hello", "/memories/house/people.md": "Anna", "/memories/house/rooms/kitchen.md": "deep", "/memories/.hidden": "x" });
    assert.strictEqual(
      run(m, { command: "view", path: "/memories" }),
      "Here're the files and directories up to 2 levels deep in /memories, excluding hidden items and node_modules:\n" +
        "14B\t/memories\n5B\t/memories/a.md\n8B\t/memories/house/\n4B\t/memories/house/people.md\n4B\t/memories/house/rooms/",
    );
    assert.match(run(memory(), { command: "view", path: "/memories" }), /\n0B\t\/memories$/, "an empty memory has its root");
  });

  it("view shows a file with line numbers, and a range of it", () => {
    const m = memory({ "/memories/list.md": "one\ntwo\nthree" });
    assert.strictEqual(run(m, { command: "view", path: "/memories/list.md" }), "Here's the content of /memories/list.md with line numbers:\n     1\tone\n     2\ttwo\n     3\tthree");
    assert.strictEqual(run(m, { command: "view", path: "/memories/list.md", view_range: [2, -1] }), "Here's the content of /memories/list.md with line numbers:\n     2\ttwo\n     3\tthree");
    assert.strictEqual(run(m, { command: "view", path: "/memories/list.md", view_range: [1, 1] }), "Here's the content of /memories/list.md with line numbers:\n     1\tone");
    refused(m, { command: "view", path: "/memories/list.md", view_range: [1] }, /view_range/);
    refused(m, { command: "view", path: "/memories/missing.md" }, /does not exist/);
  });

  it("create makes a file (and its directories), never over an existing one", () => {
    const m = memory();
    assert.strictEqual(run(m, { command: "create", path: "/memories/house/people.md", file_text: "Anna likes tea" }), "File created successfully at: /memories/house/people.md");
    assert.deepStrictEqual(m.data.files, { "/memories/house/people.md": "Anna likes tea" });
    refused(m, { command: "create", path: "/memories/house/people.md", file_text: "again" }, /already exists/);
    refused(m, { command: "create", path: "/memories/house", file_text: "x" }, /is a directory/);
    refused(m, { command: "create", path: "/memories/house/people.md/x", file_text: "x" }, /is a file, not a directory/);
    refused(m, { command: "create", path: "/memories/n.md", file_text: 42 }, /file_text/);
    assert.deepStrictEqual(m.data.files, { "/memories/house/people.md": "Anna likes tea" });
  });

  it("str_replace replaces one unique occurrence and shows the lines around it", () => {
    const m = memory({ "/memories/p.md": "Anna likes tea\nBen likes coffee\nBen is tall" });
    assert.strictEqual(
      run(m, { command: "str_replace", path: "/memories/p.md", old_str: "tea", new_str: "green tea" }),
      "The memory file has been edited. Here is the snippet showing the change (with line numbers):\n     1\tAnna likes green tea\n     2\tBen likes coffee\n     3\tBen is tall",
    );
    refused(m, { command: "str_replace", path: "/memories/p.md", old_str: "Ben", new_str: "B" }, /Multiple occurrences of old_str `Ben` in lines: 2, 3/);
    refused(m, { command: "str_replace", path: "/memories/p.md", old_str: "milk", new_str: "x" }, /did not appear verbatim/);
    refused(m, { command: "str_replace", path: "/memories/missing.md", old_str: "a", new_str: "b" }, /does not exist/);
    assert.strictEqual(m.data.files["/memories/p.md"], "Anna likes green tea\nBen likes coffee\nBen is tall");
    run(m, { command: "str_replace", path: "/memories/p.md", old_str: "coffee", new_str: "$& and $1" });
    assert.match(m.data.files["/memories/p.md"], /Ben likes \$& and \$1/, "replacement text is taken literally");
  });

  it("insert puts text at a line (0: at the start), within the file's lines", () => {
    const m = memory({ "/memories/l.md": "a\nc" });
    assert.strictEqual(run(m, { command: "insert", path: "/memories/l.md", insert_line: 1, insert_text: "b\n" }), "The file /memories/l.md has been edited.");
    run(m, { command: "insert", path: "/memories/l.md", insert_line: 0, insert_text: "start" });
    run(m, { command: "insert", path: "/memories/l.md", insert_line: 4, insert_text: "end" });
    assert.strictEqual(m.data.files["/memories/l.md"], "start\na\nb\nc\nend");
    refused(m, { command: "insert", path: "/memories/l.md", insert_line: 9, insert_text: "x" }, /Invalid `insert_line` parameter: 9. It should be within the range of lines of the file: \[0, 5\]/);
    refused(m, { command: "insert", path: "/memories/l.md", insert_line: -1, insert_text: "x" }, /insert_line/);
  });

  it("delete removes a file or a directory with everything in it, never the root", () => {
    const m = memory({ "/memories/a.md": "1", "/memories/d/b.md": "2", "/memories/d/e/c.md": "3", "/memories/dx.md": "4" });
    assert.strictEqual(run(m, { command: "delete", path: "/memories/d" }), "Successfully deleted /memories/d");
    assert.deepStrictEqual(Object.keys(m.data.files).sort(), ["/memories/a.md", "/memories/dx.md"], "a sibling with the same prefix stays");
    run(m, { command: "delete", path: "/memories/a.md" });
    refused(m, { command: "delete", path: "/memories/a.md" }, /does not exist/);
    refused(m, { command: "delete", path: "/memories" }, /Cannot delete the \/memories directory itself/);
    assert.deepStrictEqual(m.data.files, { "/memories/dx.md": "4" });
  });

  it("rename moves a file or a directory, never onto something that exists", () => {
    const m = memory({ "/memories/a.md": "1", "/memories/d/b.md": "2", "/memories/x.md": "3" });
    assert.strictEqual(run(m, { command: "rename", old_path: "/memories/a.md", new_path: "/memories/archive/a.md" }), "Successfully renamed /memories/a.md to /memories/archive/a.md");
    run(m, { command: "rename", old_path: "/memories/d", new_path: "/memories/e" });
    assert.deepStrictEqual(m.data.files, { "/memories/archive/a.md": "1", "/memories/e/b.md": "2", "/memories/x.md": "3" });
    refused(m, { command: "rename", old_path: "/memories/x.md", new_path: "/memories/e/b.md" }, /already exists/);
    refused(m, { command: "rename", old_path: "/memories/missing", new_path: "/memories/y" }, /does not exist/);
    refused(m, { command: "rename", old_path: "/memories", new_path: "/memories/y" }, /Cannot rename the \/memories directory itself/);
    refused(m, { command: "rename", old_path: "/memories/e", new_path: "/memories/e/inner" }, /into itself/);
  });

  it("keeps each file and the whole memory within their caps", () => {
    const m = memory();
    refused(m, { command: "create", path: "/memories/big.md", file_text: "x".repeat(101) }, /at most 100/);
    run(m, { command: "create", path: "/memories/a.md", file_text: "x".repeat(100) });
    run(m, { command: "create", path: "/memories/b.md", file_text: "x".repeat(100) });
    refused(m, { command: "create", path: "/memories/c.md", file_text: "x".repeat(60) }, /holds at most 250/);
    refused(m, { command: "insert", path: "/memories/a.md", insert_line: 0, insert_text: "more" }, /at most 100/);
    refused(m, { command: "str_replace", path: "/memories/b.md", old_str: "xxxx", new_str: "y".repeat(10) }, /Multiple/);
    run(m, { command: "create", path: "/memories/c.md", file_text: "c" });
    run(m, { command: "create", path: "/memories/d.md", file_text: "d" });
    refused(m, { command: "create", path: "/memories/e.md", file_text: "e" }, /already holds 4 files/);
    assert.deepStrictEqual(Object.keys(m.data.files).sort(), ["/memories/a.md", "/memories/b.md", "/memories/c.md", "/memories/d.md"]);
  });

  it("refuses unknown commands and input that is not an object", () => {
    refused(memory(), { command: "chmod", path: "/memories/a" }, /Unknown command "chmod"/);
    assert.throws(() => memory().run(null as any), MemoryCommandError);
  });
});
