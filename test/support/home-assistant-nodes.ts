// Loading the real node-red-contrib-home-assistant-websocket nodes into node-red-node-test-helper,
// and knowing when they are connected to a (stand-in) Home Assistant.
import fs from "fs";
import helper from "node-red-node-test-helper";
import os from "os";
import path from "path";
import type { HomeAssistantStandIn } from "../standins/home-assistant-standin";

const packageDir = path.dirname(require.resolve("node-red-contrib-home-assistant-websocket/package.json"));
const packageJson = require(path.join(packageDir, "package.json")) as { "node-red": { nodes: Record<string, string> } };

type NodeInit = (RED: unknown) => Promise<void> | void;

// The package registers every node type from one entry, compiled with `export default`; the
// helper calls the function itself and does not unwrap `.default`.
const entry = require(path.join(packageDir, packageJson["node-red"].nodes.all));
const init: NodeInit = entry.default ?? entry;

// The client registry lives in the package's module state; it is the only way to see whether a
// server config node has finished connecting.
const { homeAssistantConnections } = require(path.join(packageDir, "dist", "homeAssistant")) as {
  homeAssistantConnections: Map<string, HomeAssistantClient>;
};

interface HomeAssistantClient {
  isConnected: boolean;
  isHomeAssistantRunning: boolean;
  eventBus: NodeJS.EventEmitter;
  websocket: { isAllRegistriesLoaded: boolean };
}

/**
 * The package's node-red init function. Its first run starts a six-hourly issue check with an
 * uncleared setInterval that would keep the test process alive, so intervals created while it
 * initialises are unref'd.
 */
export async function homeAssistantNodes(RED: unknown): Promise<void> {
  const realSetInterval = global.setInterval;
  global.setInterval = ((...args: Parameters<typeof setInterval>) => realSetInterval(...args).unref()) as typeof setInterval;
  try {
    await init(RED);
  } finally {
    global.setInterval = realSetInterval;
  }
}

/** A `server` config node for the stand-in, as the editor saves it today (version 6). */
export function serverConfigNode(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: "server",
    name: "Home Assistant",
    version: 6,
    addon: false,
    rejectUnauthorizedCerts: true,
    ha_boolean: ["y", "yes", "true", "on", "home", "open"],
    connectionDelay: false,
    cacheJson: true,
    heartbeat: false,
    heartbeatInterval: 30,
    areaSelector: "friendlyName",
    deviceSelector: "friendlyName",
    entitySelector: "friendlyName",
    statusSeparator: ": ",
    statusYear: "hidden",
    statusMonth: "short",
    statusDay: "numeric",
    statusHourCycle: "default",
    statusTimeFormat: "h:m",
    enableGlobalContextStore: false,
    ...overrides,
  };
}

// Every property the editor saves for a new Action node (version 7). `version` matters: without it
// the node is migrated as an old flow, and the last migration forces blockInputOverrides to false.
export function actionNodeConfig(server: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "action",
    type: "api-call-service",
    name: "",
    server,
    version: 7,
    debugenabled: false,
    action: "",
    floorId: [],
    areaId: [],
    deviceId: [],
    entityId: [],
    labelId: [],
    data: "",
    dataType: "jsonata",
    mergeContext: "",
    mustacheAltTags: false,
    outputProperties: [
      { property: "sent", propertyType: "msg", value: "", valueType: "data" },
      { property: "results", propertyType: "msg", value: "", valueType: "results" },
    ],
    queue: "none",
    blockInputOverrides: false,
    domain: "",
    service: "",
    wires: [["out"]],
    ...overrides,
  };
}

/** Credentials for `helper.load(..., flow, credentials)`, keyed by the server node's id. */
export function serverCredentials(id: string, standin: HomeAssistantStandIn): Record<string, Record<string, string>> {
  return { [id]: { host: standin.url, access_token: standin.token } };
}

/**
 * Resolves once the server config node has authenticated and loaded states, services and every
 * registry: before that, Action nodes reject input ("not connected") and Get Entities finds nothing.
 */
export function waitForHomeAssistant(serverId: string, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      const client = homeAssistantConnections.get(serverId);
      if (client?.isConnected && client.isHomeAssistantRunning && client.websocket.isAllRegistriesLoaded) return resolve();
      if (Date.now() > deadline) {
        return reject(
          new Error(
            `Home Assistant server node ${serverId} not ready after ${timeoutMs} ms ` +
              `(client: ${client ? "yes" : "no"}, connected: ${client?.isConnected}, running: ${client?.isHomeAssistantRunning})`,
          ),
        );
      }
      setTimeout(poll, 20);
    };
    poll();
  });
}

/**
 * Mocha hooks giving the suite's Node-RED a temporary user directory. The HA package keeps a small
 * JSON database there; without one, loading its nodes fails (ENOENT on
 * 'undefined/node-red-contrib-home-assistant-websocket.json'). The test helper is one object shared
 * by every test file, so the default settings come back after the suite.
 */
export function useHomeAssistantUserDir(): void {
  let userDir: string;
  before(function () {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "nr-ha-"));
    helper.init(require.resolve("node-red"), { userDir });
  });
  after(function () {
    helper.init(require.resolve("node-red"));
    fs.rmSync(userDir, { recursive: true, force: true });
  });
}
