import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export interface NodeRedOptions {
  /** Node binary to run Node-RED with; default: the one running the tests. */
  nodeBinary?: string;
  /** Directory of the node-red package (holding red.js); default: the devDependency. */
  nodeRedDir?: string;
  /** User dir to use (kept on stop, e.g. to restart over the same context); default: a fresh temp dir, removed on stop. */
  userDir?: string;
  /** Initial flows, written to the flows file unless it already exists. */
  flows?: unknown[];
  /** Package directories symlinked into <userDir>/node_modules so Node-RED loads them. */
  packages?: string[];
  /** Extra directories scanned for nodes (settings.nodesDir). */
  nodesDir?: string | string[];
  /** Settings merged (shallowly) over the defaults below; must be JSON-serialisable. */
  settings?: Record<string, unknown>;
  /** Extra environment for the Node-RED process. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the admin API; default 30 s. */
  startTimeoutMs?: number;
}

export interface NodeRedProcess {
  /** Base URL, e.g. http://127.0.0.1:43117 (admin API and editor at its root). */
  url: string;
  port: number;
  userDir: string;
  flowFile: string;
  child: ChildProcess;
  /** Everything Node-RED has printed so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGINT (Node-RED stops its flows and flushes file context), then SIGKILL after timeoutMs. */
  stop(timeoutMs?: number): Promise<void>;
}

export const DEFAULT_NODE_RED_DIR = path.dirname(require.resolve("node-red/package.json"));

/** A port free on 127.0.0.1 right now (another process could take it before Node-RED does). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

// If the test runner exits without stopping an instance (mocha --exit, a crash), don't leave it running.
const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export async function startNodeRed(opts: NodeRedOptions = {}): Promise<NodeRedProcess> {
  const nodeBinary = opts.nodeBinary ?? process.execPath;
  const nodeRedDir = opts.nodeRedDir ?? DEFAULT_NODE_RED_DIR;
  const ownUserDir = !opts.userDir;
  const userDir = opts.userDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "nrc-node-red-"));
  fs.mkdirSync(path.join(userDir, "node_modules"), { recursive: true });
  const port = await freePort();
  const flowFile = path.join(userDir, "flows.json");
  if (opts.flows && !fs.existsSync(flowFile)) fs.writeFileSync(flowFile, JSON.stringify(opts.flows, null, 2));

  for (const pkgDir of opts.packages ?? []) {
    const name = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).name as string;
    const link = path.join(userDir, "node_modules", name);
    fs.mkdirSync(path.dirname(link), { recursive: true }); // scoped names
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(path.resolve(pkgDir), link, "dir");
  }

  const settings = {
    uiHost: "127.0.0.1",
    uiPort: port,
    flowFile,
    userDir,
    credentialSecret: "node-red-contrib-claude-tests", // stable, so creds survive a restart
    contextStorage: {
      default: { module: "memory" },
      file: { module: "localfilesystem" },
    },
    ...(opts.nodesDir ? { nodesDir: opts.nodesDir } : {}),
    // No consent prompt, update check, welcome tour over the editor or palette npm check;
    // there is no network here anyway.
    telemetry: { enabled: false, updateNotification: false },
    editorTheme: { tours: false },
    externalModules: { palette: { allowInstall: false } },
    logging: { console: { level: "info", metrics: false, audit: false } },
    ...opts.settings,
  };
  const settingsFile = path.join(userDir, "settings.js");
  fs.writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);

  const child = spawn(
    nodeBinary,
    [path.join(nodeRedDir, "red.js"), "--settings", settingsFile, "--userDir", userDir, "--port", String(port)],
    { cwd: userDir, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  live.add(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => (live.delete(child), resolve())));

  const url = `http://127.0.0.1:${port}`;
  const stop = async (timeoutMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    }
    if (ownUserDir) fs.rmSync(userDir, { recursive: true, force: true });
  };

  // Ready when the admin API answers; fail fast if the process dies first.
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`Node-RED exited (${child.exitCode ?? child.signalCode}) before answering:\n${out}`);
    }
    try {
      const res = await fetch(`${url}/settings`, { signal: AbortSignal.timeout(2000) });
      // With adminAuth the API answers 401 until a user logs in: that is an answer too.
      if (res.ok || res.status === 401) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Node-RED did not answer at ${url} in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await startupLogged(() => out, hasFlows(flowFile));

  return { url, port, userDir, flowFile, child, output: () => out, stop };
}

const count = (text: string, line: string) => text.split(line).length - 1;

/** How often Node-RED has logged that its flows started (at start-up and after each deploy). */
export const flowStarts = (output: string) => count(output, "Started flows");

/** Whether the flow file holds any node (its flows start after the server is up). */
function hasFlows(flowFile: string): boolean {
  try {
    const flows = JSON.parse(fs.readFileSync(flowFile, "utf8"));
    return Array.isArray(flows) ? flows.length > 0 : !!flows && typeof flows === "object";
  } catch {
    return false;
  }
}

/**
 * Waits until what Node-RED logged while starting has reached us: its output arrives through a pipe,
 * and can lag behind the admin API's first answer. A flow start logged late would pass for the start
 * of flows deployed later (see `deploy` in chat-process.ts). Flows that cannot start (missing node
 * types) never log "Started flows": after a while the wait gives up quietly.
 */
async function startupLogged(output: () => string, withFlows: boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const done = () => {
    const text = output();
    const started = flowStarts(text);
    return text.includes("Server now running") && started >= count(text, "Starting flows") && (!withFlows || started > 0);
  };
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
