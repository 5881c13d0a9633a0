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
