// Every example flow in examples/ loads into a real Node-RED with this package, the Home Assistant and Telegram
// nodes and FlowFuse Dashboard 2 installed: every node type resolves, every flow starts, and Import > Examples lists it.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";
import { RUNTIMES } from "./support/runtimes";

/** The node packages the examples use besides this one (dev dependencies), linked in as users install them. */
const COMPANIONS = ["node-red-contrib-home-assistant-websocket", "node-red-contrib-telegrambot", "@flowfuse/node-red-dashboard"].map((name) =>
  path.dirname(require.resolve(`${name}/package.json`, { paths: [REPO_ROOT] })),
);

const EXAMPLES = path.join(REPO_ROOT, "examples");
const API = { "Node-RED-API-Version": "v1", Accept: "application/json" };

function exampleFiles(dir = EXAMPLES): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return exampleFiles(file);
    return entry.name.endsWith(".json") ? [file] : [];
  });
}

/** Waits until the runtime log, after `from`, says the flows started (or why they did not). */
async function flowsSettled(nr: NodeRedProcess, from: number): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const log = nr.output().slice(from);
    if (/Started flows|Waiting for missing types/.test(log) || Date.now() > deadline) return log;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The editor's canvas beside the palette and the sidebar at their default widths, read from Node-RED's own style sheet. */
function visibleCanvasWidth(screenWidth: number): number {
  const css = fs.readFileSync(require.resolve("@node-red/editor-client/public/red/style.min.css", { paths: [REPO_ROOT] }), "utf8");
  const workspace = css.match(/#red-ui-workspace\{[^}]*?left:(\d+)px;[^}]*?right:(\d+)px/);
  assert.ok(workspace, "the workspace's position in Node-RED's style sheet");
  const SCROLLBAR = 15;
  return screenWidth - Number(workspace[1]) - Number(workspace[2]) - SCROLLBAR;
}

/** A node's width as the editor draws it (100 at least, label + icon in steps of 20); the label at 8 px a character
 * and 10 more, above what Chromium measures for Node-RED's 14 px font on every label of the examples. */
function nodeWidth(node: Record<string, any>): number {
  const catalogLabel = (type: string) => {
    const file = path.join(REPO_ROOT, "locales", "en-US", `${type}.json`);
    const texts = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8"))[type] : undefined;
    return texts?.defaultLabel ?? texts?.paletteLabel;
  };
  const label = String(node.name || catalogLabel(node.type) || (node.type === "catch" ? "catch: all" : node.type));
  return Math.max(100, 20 * Math.ceil((label.length * 8 + 10 + 50 + 7) / 20));
}

describe("example flows together", () => {
  const examples = exampleFiles().map((file) => ({
    name: path.relative(EXAMPLES, file).replace(/\.json$/, ""),
    flows: JSON.parse(fs.readFileSync(file, "utf8")) as Array<Record<string, any>>,
  }));
  const configNodes = (flows: Array<Record<string, any>>) => flows.filter((n) => n.type !== "tab" && n.x === undefined && n.z === undefined);

  it("share one Claude account node: the same id and the same settings, so importing several asks for the key once", () => {
    const accounts = examples.map(({ name, flows }) => {
      const own = flows.filter((n) => n.type === "claude-config");
      assert.strictEqual(own.length, 1, `${name} has one account`);
      return own[0];
    });
    assert.strictEqual(accounts[0].id !== undefined, true);
    for (const [i, account] of accounts.entries()) {
      assert.deepStrictEqual(account, accounts[0], `${examples[i].name}'s account is the shared one`);
      assert.ok(
        examples[i].flows.filter((n) => n.type.startsWith("claude-") && n.x !== undefined && n.type !== "claude-tool" && n.type !== "claude-tool-result").every((n) => n.config === account.id),
        `${examples[i].name}'s Claude nodes use it`,
      );
    }
    assert.strictEqual(accounts[0].id, "basic-chat-account");
  });

  it("share every other config node they have in common (the Home Assistant server): same id, same settings", () => {
    const byType = new Map<string, Array<Record<string, any>>>();
    for (const { flows } of examples) for (const n of configNodes(flows)) byType.set(n.type, [...(byType.get(n.type) ?? []), n]);
    assert.ok((byType.get("server") ?? []).length >= 2, "two examples use a Home Assistant server");
    for (const [type, nodes] of byType) for (const n of nodes) assert.deepStrictEqual(n, nodes[0], `${type} ${n.id}`);
  });

  it("name their tabs after the file: \"Claude: \" and the file's words", () => {
    for (const { name, flows } of examples) {
      const tabs = flows.filter((n) => n.type === "tab");
      assert.strictEqual(tabs.length, 1, name);
      assert.match(tabs[0].label, /^Claude: \S/, name);
      assert.strictEqual(tabs[0].label.toLowerCase(), `claude: ${path.basename(name).replace(/-/g, " ")}`, name);
    }
  });

  it("fit the canvas of a 1366-pixel-wide screen with the palette and the sidebar open", () => {
    const width = visibleCanvasWidth(1366);
    assert.ok(width > 700 && width < 900, `visible canvas ${width}`);
    for (const { name, flows } of examples) {
      for (const n of flows.filter((f) => f.x !== undefined)) {
        const half = nodeWidth(n) / 2;
        assert.ok(n.x - half >= 0, `${name}: ${n.name || n.type} starts left of the canvas`);
        assert.ok(n.x + half <= width, `${name}: ${n.name || n.type} ends at ${n.x + half}, beyond the ${width} px visible at 1366 px`);
      }
    }
  });
});

for (const runtime of RUNTIMES) describe(`example flows on ${runtime.name}`, function () {
  this.timeout(300_000);
  let nr: NodeRedProcess;
  let known: Set<string>;

  before(async () => {
    nr = await startNodeRed({ ...(await runtime.options()), packages: [REPO_ROOT, ...COMPANIONS], flows: [] });
    const sets = (await (await fetch(`${nr.url}/nodes`, { headers: API })).json()) as Array<{ types: string[]; module: string }>;
    known = new Set(sets.flatMap((s) => s.types));
    for (const module of ["node-red-contrib-claude", "node-red-contrib-home-assistant-websocket", "node-red-contrib-telegrambot", "@flowfuse/node-red-dashboard"]) {
      assert.ok(sets.some((s) => s.module === module), `${module} is installed`);
    }
  });
  after(async () => {
    await nr?.stop();
  });

  it("include the basic chat, the Telegram chatbot, the dashboard chat and web search with code execution", () => {
    const names = exampleFiles().map((f) => path.basename(f));
    for (const name of ["basic-chat.json", "telegram-chatbot.json", "dashboard-chat.json", "web-search-and-code.json"]) assert.ok(names.includes(name), name);
  });

  it("are listed under Import > Examples, each as it is in examples/", async () => {
    const library = `${nr.url}/library/examples/flows`;
    const modules = (await (await fetch(`${library}/`, { headers: API })).json()) as string[];
    assert.ok(modules.includes("node-red-contrib-claude"), `example modules: ${modules.join(", ")}`);
    const entries = (await (await fetch(`${library}/node-red-contrib-claude/`, { headers: API })).json()) as Array<{ fn: string }>;
    const expected = exampleFiles().map((f) => path.relative(EXAMPLES, f).replace(/\.json$/, ""));
    const topLevel = expected.filter((name) => !name.includes("/"));
    assert.deepStrictEqual(entries.map((e) => e.fn).filter(Boolean).sort(), topLevel.sort());
    for (const name of expected) {
      const served = await (await fetch(`${library}/node-red-contrib-claude/${name}`, { headers: API })).json();
      assert.deepStrictEqual(served, JSON.parse(fs.readFileSync(path.join(EXAMPLES, `${name}.json`), "utf8")), name);
    }
  });

  for (const file of exampleFiles()) {
    const name = path.relative(EXAMPLES, file);
    describe(name, () => {
      const flows = JSON.parse(fs.readFileSync(file, "utf8")) as Array<Record<string, any>>;

      it("has a comment node that says what to configure", () => {
        const comments = flows.filter((n) => n.type === "comment");
        assert.ok(comments.length > 0, "a comment node");
        assert.ok(comments.some((c) => /set up|configure/i.test(`${c.name}\n${c.info}`) && String(c.info).trim().length > 80), "it says what to set up");
      });

      it("carries no credentials", () => {
        assert.ok(flows.every((n) => n.credentials === undefined));
        assert.doesNotMatch(JSON.stringify(flows), /sk-ant-/);
      });

      it("loads into Node-RED: every node type resolves and the flows start", async () => {
        const types = [...new Set(flows.map((n) => n.type).filter((t) => t !== "tab"))];
        assert.deepStrictEqual(types.filter((t) => !known.has(t)), [], "unknown node types");

        const from = nr.output().length;
        const res = await fetch(`${nr.url}/flows`, {
          method: "POST",
          headers: { ...API, "Content-Type": "application/json", "Node-RED-Deployment-Type": "full" },
          body: JSON.stringify(flows),
        });
        assert.strictEqual(res.status, 204, await res.text());
        const log = await flowsSettled(nr, from);
        // A node may say what it still needs (an example carries no credentials); nothing may be missing or crash.
        assert.doesNotMatch(log, /missing types|Unknown type|Error loading|TypeError|ReferenceError|SyntaxError/i, log);
        assert.match(log, /Started flows/, log);

        const state = (await (await fetch(`${nr.url}/flows/state`, { headers: API })).json()) as { state: string };
        assert.strictEqual(state.state, "start");
        const deployed = (await (await fetch(`${nr.url}/flows`, { headers: API })).json()) as Array<{ id: string }>;
        assert.deepStrictEqual(deployed.map((n) => n.id).sort(), flows.map((n) => n.id).sort());
      });
    });
  }
});
