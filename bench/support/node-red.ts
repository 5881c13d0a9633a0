// A real Node-RED runtime embedded in the benchmark process (so its CPU and heap are measured with
// the process), with this package installed in its user directory the way users install it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// Compiled to dist/bench/support/: the repository is three levels up.
const REPO_ROOT = path.resolve(__dirname, "../../..");

export interface Runtime {
  RED: any;
  /**
   * Replaces the running flows (a full deploy); credentials go in each node's `credentials`.
   * Node context starts empty unless `keepContext` (a redeploy keeps the context of nodes it keeps).
   */
  deploy(flows: unknown[], options?: { keepContext?: boolean }): Promise<void>;
  /** Calls `listener` with every message that reaches the node `id`. */
  onMessage(id: string, listener: (msg: any) => void): void;
  /** The live node object, e.g. to trigger an inject node or read a node's context. */
  node(id: string): any;
  stop(): Promise<void>;
}

let started: Runtime | undefined;

/** Starts Node-RED once per process (it cannot be started again after stopping). */
export async function startRuntime(): Promise<Runtime> {
  if (started) return started;
  const RED = require("node-red");
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "nrc-bench-"));
  fs.mkdirSync(path.join(userDir, "node_modules"));
  fs.symlinkSync(REPO_ROOT, path.join(userDir, "node_modules", "node-red-contrib-claude"), "dir");
  RED.init({
    userDir,
    flowFile: path.join(userDir, "flows.json"),
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: false,
    contextStorage: { default: { module: "memory" } },
    logging: { console: { level: "error", metrics: false, audit: false } },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { palette: { allowInstall: false } },
  });
  // start() resolves before the (empty) initial flows are loaded; a deploy before that would lose
  // its credentials to the load.
  const loaded = new Promise((resolve) => RED.events.once("flows:started", resolve));
  await RED.start();
  await loaded;
  const listeners = new Map<string, (msg: any) => void>();
  RED.hooks.add("onReceive.bench", (event: any) => {
    listeners.get(event.destination.id)?.(event.msg);
  });
  started = {
    RED,
    async deploy(flows, options = {}) {
      listeners.clear();
      // Removing every node first makes Node-RED drop their context.
      if (!options.keepContext) await RED.runtime.flows.setFlows({ flows: { flows: [] }, deploymentType: "full" });
      await RED.runtime.flows.setFlows({ flows: { flows }, deploymentType: "full" });
      // setFlows resolves once the flows are saved; the nodes start a moment later.
      const ids = (flows as Array<{ id: string; type: string }>).filter((n) => n.type !== "tab").map((n) => n.id);
      for (const deadline = Date.now() + 10_000; !ids.every((id) => RED.nodes.getNode(id)); ) {
        if (Date.now() > deadline) throw new Error("the flows did not start");
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    onMessage(id, listener) {
      listeners.set(id, listener);
    },
    node(id) {
      return RED.nodes.getNode(id);
    },
    async stop() {
      RED.hooks.remove("*.bench");
      await RED.stop();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
  return started;
}

export const KEY = "sk-ant-bench-0000";

/** A Claude account node pointed at the stand-in, with the package's defaults unless overridden. */
export function accountNode(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "account", type: "claude-config", name: "bench", baseUrl: url, credentials: { apiKey: KEY }, ...extra };
}
