// Loads the project's nodes into node-red-node-test-helper with a Claude account pointed at a stand-in.
import * as fs from "fs";
import helper from "node-red-node-test-helper";
import * as path from "path";
import { AnthropicStandIn } from "../standins/anthropic-standin";

export const KEY = "sk-ant-test-SECRET-KEY-0123456789";

helper.init(require.resolve("node-red"));

/**
 * The helper's RED._ returns bare keys; this one reads the packaged catalogs like Node-RED does, so
 * tests see the text users see and a missing catalog entry shows up as a bare key.
 */
function translator(lang = "en-US"): (key: string, params?: Record<string, unknown>) => string {
  const dir = path.join(__dirname, "../../nodes/locales", lang);
  const catalogs: Record<string, any> = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    catalogs[`node-red-contrib-claude/${file.replace(/\.json$/, "")}`] = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  }
  return (key, params = {}) => {
    const [namespace, path_] = key.includes(":") ? key.split(":") : ["", key];
    const text = path_.split(".").reduce((o: any, k) => (o && typeof o === "object" ? o[k] : undefined), catalogs[namespace]);
    if (typeof text !== "string") return key;
    return text.replace(/__(\w+)__/g, (_m, name) => String(params[name] ?? ""));
  };
}

function withCatalog(init: (RED: any) => unknown): (RED: any) => unknown {
  const translate = translator();
  return (RED: any) => {
    RED._ = translate;
    return init(RED);
  };
}

export const claudeConfig = withCatalog(require("../../nodes/claude-config"));
export const claudeConversation = withCatalog(require("../../nodes/claude-conversation"));
export const claudeTool = withCatalog(require("../../nodes/claude-tool"));
export const claudeToolResult = withCatalog(require("../../nodes/claude-tool-result"));
export const claudeGenerateData = withCatalog(require("../../nodes/claude-generate-data"));
export const claudeMcp = withCatalog(require("../../nodes/claude-mcp"));
export const ALL_NODES = [claudeConfig, claudeConversation, claudeTool, claudeToolResult, claudeGenerateData];

export function account(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "account", type: "claude-config", name: "test account", baseUrl: url, model: "claude-haiku-4-5", maxTokens: 3000, retries: 0, ...extra };
}

export { helper };

/**
 * Mocha hooks for a suite of flows against the Anthropic stand-in: the helper's server for the
 * suite, a fresh stand-in per test, and flows unloaded after each. Returns the current stand-in.
 */
export function useStandIn(): () => AnthropicStandIn {
  let api: AnthropicStandIn;
  before((done) => {
    helper.startServer(done);
  });
  after((done) => {
    helper.stopServer(done);
  });
  beforeEach(async () => {
    api = await new AnthropicStandIn().start();
  });
  afterEach(async () => {
    await helper.unload();
    await api.stop();
  });
  return () => api;
}

/** The arguments of a node method's calls made by this node (the helper spies on the shared prototype). */
export function argsOf(node: any, method: "error" | "warn" | "status"): any[][] {
  return node[method].getCalls().filter((c: any) => c.thisValue === node).map((c: any) => c.args);
}

/** Every warning this node gave, as text. */
export function warnings(node: any): string[] {
  return argsOf(node, "warn").map((args) => String(args[0]));
}

/** Resolves with the next message a helper node receives. */
export function nextMessage(node: any, timeoutMs = 10_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no message arrived")), timeoutMs);
    node.once("input", (msg: any) => {
      clearTimeout(timer);
      resolve(msg);
    });
  });
}

/** Resolves with the next node.error call: [text, msg]. */
export function nextError(node: any, timeoutMs = 10_000): Promise<{ text: string; msg: any }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no error was reported")), timeoutMs);
    node.once("call:error", (call: any) => {
      clearTimeout(timer);
      // done(err) reaches node.error as the Error; node.error(text, msg) as the text.
      const reported = call.args[0];
      resolve({ text: reported instanceof Error ? reported.message : reported, msg: call.args[1] });
    });
  });
}

/** Collects `count` messages arriving at a helper node. */
export function collect(node: any, count: number, timeoutMs = 10_000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const got: any[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${count} messages arrived`)), timeoutMs);
    node.on("input", (msg: any) => {
      got.push(msg);
      if (got.length === count) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}
