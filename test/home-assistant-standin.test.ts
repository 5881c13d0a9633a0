// The stand-in is only useful if the real Home Assistant nodes accept it, so these tests run
// node-red-contrib-home-assistant-websocket's own nodes against it in the Node-RED runtime.
import assert from "assert";
import { WebSocket } from "ws";
import { actionNodeConfig, homeAssistantNodes, serverConfigNode, serverCredentials, useHomeAssistantUserDir, waitForHomeAssistant } from "./support/home-assistant-nodes";
import { HassEntity, HomeAssistantStandIn } from "./standins/home-assistant-standin";

interface SpyCall {
  thisValue: unknown;
  args: unknown[];
}

interface TestNode {
  id: string;
  send(msg: Record<string, unknown>): void;
  on(event: string, listener: (arg: any) => void): void;
  removeListener(event: string, listener: (arg: any) => void): void;
  // The helper replaces Node.prototype.error with a sinon spy shared by every node.
  error: { getCalls(): SpyCall[] };
}

interface TestHelper {
  startServer(done: () => void): void;
  stopServer(done: () => void): void;
  load(nodes: unknown, flow: unknown[], credentials?: Record<string, unknown>): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode;
}

const helper: TestHelper = require("node-red-node-test-helper");

const SERVER = "ha-server";

const actionNode = (overrides: Record<string, unknown>) => actionNodeConfig(SERVER, overrides);

function getEntitiesNode(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "get",
    type: "ha-get-entities",
    name: "",
    server: SERVER,
    version: 1,
    rules: [{ condition: "state_object", property: "entity_id", logic: "starts_with", value: "light.", valueType: "str" }],
    outputType: "array",
    outputEmptyResults: false,
    outputLocationType: "msg",
    outputLocation: "payload",
    outputResultsCount: 1,
    wires: [["out"]],
    ...overrides,
  };
}

const flowAround = (node: Record<string, unknown>) => [
  serverConfigNode(SERVER),
  { id: "in", type: "helper", wires: [[node.id]] },
  node,
  { id: "out", type: "helper" },
];

function nextMessage(node: TestNode, timeoutMs = 3000): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const listener = (msg: Record<string, any>) => {
      clearTimeout(timer);
      node.removeListener("input", listener);
      resolve(msg);
    };
    const timer = setTimeout(() => {
      node.removeListener("input", listener);
      reject(new Error(`no message reached ${node.id} within ${timeoutMs} ms`));
    }, timeoutMs);
    node.on("input", listener);
  });
}

// Reads the spy's history rather than listening, so an error raised before the test looks
// (the server node reports auth failures while the flow is still starting) is not missed.
const errorsOf = (node: TestNode): unknown[] =>
  node.error
    .getCalls()
    .filter((call) => call.thisValue === node)
    .map((call) => call.args[0]);

async function firstError(node: TestNode, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (errorsOf(node).length === 0) {
    if (Date.now() > deadline) throw new Error(`${node.id} reported no error within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const error = errorsOf(node)[0];
  return error instanceof Error ? error.message : String(error);
}

describe("Home Assistant stand-in with the real Home Assistant nodes", function () {
  let standin: HomeAssistantStandIn;

  useHomeAssistantUserDir();
  before(function (done) {
    helper.startServer(done);
  });

  beforeEach(async function () {
    standin = new HomeAssistantStandIn();
    await standin.start();
  });

  afterEach(async function () {
    // Unload first: stopping the stand-in under a live client would make it schedule reconnects.
    await helper.unload();
    await standin.stop();
  });

  after(function (done) {
    helper.stopServer(done);
  });

  async function load(flow: unknown[]): Promise<void> {
    await helper.load(homeAssistantNodes, flow, serverCredentials(SERVER, standin));
    await waitForHomeAssistant(SERVER);
  }

  it("carries an Action node's msg.payload action, target and data to call_service", async function () {
    await load(flowAround(actionNode({ blockInputOverrides: false })));
    const out = nextMessage(helper.getNode("out"));

    helper.getNode("in").send({
      payload: { action: "light.turn_on", target: { entity_id: ["light.kitchen"] }, data: { brightness_pct: 50 } },
    });

    const msg = await out;
    assert.deepStrictEqual(errorsOf(helper.getNode("action")), []);
    assert.deepStrictEqual(standin.serviceCalls, [
      {
        domain: "light",
        service: "turn_on",
        service_data: { brightness_pct: 50 },
        target: { entity_id: ["light.kitchen"] },
        return_response: false,
        via: "websocket",
      },
    ]);
    // The node passes the message on once HA has answered, with what it sent and HA's response.
    assert.deepStrictEqual(msg.sent, {
      domain: "light",
      service: "turn_on",
      data: { brightness_pct: 50 },
      target: { entity_id: ["light.kitchen"] },
    });
    assert.strictEqual(msg.results, null);
    assert.deepStrictEqual(standin.unknownCommands, []);
  });

  it("answers an unknown action with HA's not_found error, which the Action node reports", async function () {
    await load(flowAround(actionNode({ blockInputOverrides: false })));
    helper.getNode("in").send({ payload: { action: "light.explode", target: { entity_id: ["light.kitchen"] } } });

    assert.match(await firstError(helper.getNode("action")), /Action light\.explode not found/);
    assert.deepStrictEqual(
      standin.serviceCalls.map((c) => `${c.domain}.${c.service}`),
      ["light.explode"],
    );
  });

  it("asks for a response when the service has one, and the Action node outputs it", async function () {
    standin.setServices({
      weather: {
        get_forecasts: { fields: { type: {} }, target: { entity: [{ domain: ["weather"] }] }, response: { optional: false } },
      },
    });
    const forecast = { "weather.home": { forecast: [{ datetime: "2025-01-02T00:00:00Z", condition: "rainy", temperature: 7 }] } };
    standin.onServiceCall = (call) => (call.service === "get_forecasts" ? forecast : undefined);
    await load(flowAround(actionNode({ blockInputOverrides: false })));
    const out = nextMessage(helper.getNode("out"));

    helper.getNode("in").send({
      payload: { action: "weather.get_forecasts", target: { entity_id: "weather.home" }, data: { type: "daily" } },
    });

    const msg = await out;
    assert.deepStrictEqual(errorsOf(helper.getNode("action")), []);
    assert.strictEqual(standin.serviceCalls[0].return_response, true);
    assert.deepStrictEqual(msg.results, forecast);
  });

  it("returns the stand-in's states from a Get Entities node", async function () {
    standin.setStates([
      { entity_id: "light.kitchen", state: "on", attributes: { friendly_name: "Kitchen", brightness: 128 } },
      { entity_id: "light.hall", state: "off", attributes: { friendly_name: "Hall" } },
      { entity_id: "switch.fan", state: "on", attributes: { friendly_name: "Fan" } },
    ]);
    await load(flowAround(getEntitiesNode()));
    const out = nextMessage(helper.getNode("out"));

    helper.getNode("in").send({ payload: {} });

    const msg = await out;
    assert.deepStrictEqual(errorsOf(helper.getNode("get")), []);
    const expected = standin.getStates().filter((s) => s.entity_id.startsWith("light."));
    // The node adds how long ago each state changed; everything else is HA's state object.
    const payload = msg.payload as Array<HassEntity & { timeSinceChangedMs: number }>;
    const entities = payload.map(({ timeSinceChangedMs, ...rest }) => {
      assert.strictEqual(typeof timeSinceChangedMs, "number");
      return rest;
    });
    assert.deepStrictEqual(
      entities.sort((a, b) => a.entity_id.localeCompare(b.entity_id)),
      expected.sort((a, b) => a.entity_id.localeCompare(b.entity_id)),
    );
  });

  it("pushes state changes made after connecting to the nodes", async function () {
    const kitchenOnly = { condition: "state_object", property: "entity_id", logic: "is", value: "light.kitchen", valueType: "str" };
    await load(flowAround(getEntitiesNode({ rules: [kitchenOnly] })));
    const attributes = { friendly_name: "Kitchen light", brightness: 255 };
    standin.setState({ entity_id: "light.kitchen", state: "on", attributes });

    // The update travels asynchronously; ask until the node sees it.
    const deadline = Date.now() + 3000;
    let seen: Record<string, any> | undefined;
    while (Date.now() < deadline) {
      const out = nextMessage(helper.getNode("out"));
      helper.getNode("in").send({ payload: {} });
      const [entity] = (await out).payload;
      if (entity.state === "on") {
        seen = entity;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(seen, "the Get Entities node never saw light.kitchen turn on");
    assert.deepStrictEqual(seen.attributes, attributes);
  });

  it("ignores msg.payload when the Action node blocks input overrides (the editor's default)", async function () {
    await load(
      flowAround(actionNode({ blockInputOverrides: true, action: "light.turn_off", entityId: ["light.living_room"] })),
    );
    const out = nextMessage(helper.getNode("out"));

    helper.getNode("in").send({
      payload: { action: "light.turn_on", target: { entity_id: ["light.kitchen"] }, data: { brightness_pct: 50 } },
    });

    await out;
    assert.deepStrictEqual(errorsOf(helper.getNode("action")), []);
    // Only the configured action and target are used, and payload.data is dropped too. A single
    // configured entity is sent as a string, not a one-element list.
    assert.deepStrictEqual(standin.serviceCalls, [
      {
        domain: "light",
        service: "turn_off",
        target: { entity_id: "light.living_room" },
        return_response: false,
        via: "websocket",
      },
    ]);
  });

  it("rejects the message when overrides are blocked and the node has no action of its own", async function () {
    await load(flowAround(actionNode({ blockInputOverrides: true })));
    helper.getNode("in").send({ payload: { action: "light.turn_on", target: { entity_id: ["light.kitchen"] } } });

    assert.match(await firstError(helper.getNode("action")), /"action" is not allowed to be empty/);
    assert.deepStrictEqual(standin.serviceCalls, []);
  });

  it("refuses a wrong access token, which the server node reports as invalid auth", async function () {
    await helper.load(homeAssistantNodes, flowAround(actionNode({})), {
      [SERVER]: { host: standin.url, access_token: "not-the-token" },
    });

    // i18n in the test helper returns message keys.
    assert.strictEqual(await firstError(helper.getNode(SERVER)), "home-assistant.error.invalid_auth");
    assert.strictEqual(standin.connectedClients, 0);
    assert.deepStrictEqual(standin.commands, []);
  });
});

describe("Home Assistant stand-in protocol", function () {
  let standin: HomeAssistantStandIn;
  const sockets: WebSocket[] = [];

  beforeEach(async function () {
    standin = new HomeAssistantStandIn({ log: () => undefined });
    await standin.start();
  });

  afterEach(async function () {
    for (const socket of sockets.splice(0)) socket.terminate();
    await standin.stop();
  });

  // Collects every message the stand-in sends on a fresh connection.
  async function connect(): Promise<{ socket: WebSocket; next: () => Promise<any> }> {
    const socket = new WebSocket(standin.websocketUrl);
    sockets.push(socket);
    const queue: any[] = [];
    const waiting: Array<(m: any) => void> = [];
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString());
      const resolve = waiting.shift();
      if (resolve) resolve(message);
      else queue.push(message);
    });
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const next = () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
    return { socket, next };
  }

  it("answers a wrong token with auth_invalid and closes the socket", async function () {
    const { socket, next } = await connect();
    assert.deepStrictEqual(await next(), { type: "auth_required", ha_version: standin.haVersion });
    const closed = new Promise((resolve) => socket.once("close", resolve));
    socket.send(JSON.stringify({ type: "auth", access_token: "nope" }));
    assert.strictEqual((await next()).type, "auth_invalid");
    await closed;
  });

  it("speaks the command protocol after auth_ok", async function () {
    const { socket, next } = await connect();
    await next();
    socket.send(JSON.stringify({ type: "auth", access_token: standin.token }));
    assert.deepStrictEqual(await next(), { type: "auth_ok", ha_version: standin.haVersion });

    socket.send(JSON.stringify({ id: 1, type: "ping" }));
    assert.deepStrictEqual(await next(), { id: 1, type: "pong" });

    socket.send(JSON.stringify({ id: 2, type: "subscribe_entities", entity_ids: ["light.kitchen"] }));
    assert.deepStrictEqual(await next(), { id: 2, type: "result", success: true, result: null });
    const snapshot = await next();
    assert.deepStrictEqual(Object.keys(snapshot.event.a), ["light.kitchen"]);
    assert.strictEqual(snapshot.event.a["light.kitchen"].s, "off");

    socket.send(JSON.stringify({ id: 3, type: "frontend/get_themes" }));
    assert.deepStrictEqual(await next(), { id: 3, type: "result", success: true, result: {} });
    assert.deepStrictEqual(standin.unknownCommands, ["frontend/get_themes"]);

    socket.send(JSON.stringify({ id: 3, type: "ping" }));
    assert.strictEqual((await next()).error.code, "id_reuse");
  });

  it("serves the REST states endpoint to the right token only", async function () {
    const unauthorised = await fetch(`${standin.url}/api/states`);
    assert.strictEqual(unauthorised.status, 401);
    await unauthorised.text();

    const response = await fetch(`${standin.url}/api/states`, { headers: { Authorization: `Bearer ${standin.token}` } });
    assert.strictEqual(response.status, 200);
    assert.deepStrictEqual(await response.json(), standin.getStates());
  });

  it("records service calls made over REST", async function () {
    const response = await fetch(`${standin.url}/api/services/switch/turn_on`, {
      method: "POST",
      headers: { Authorization: `Bearer ${standin.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ entity_id: "switch.coffee_maker" }),
    });
    assert.strictEqual(response.status, 200);
    assert.deepStrictEqual(await response.json(), []);
    const call = await standin.waitForServiceCall((c) => c.domain === "switch", 1000);
    assert.deepStrictEqual(call, {
      domain: "switch",
      service: "turn_on",
      service_data: { entity_id: "switch.coffee_maker" },
      via: "rest",
    });
  });
});
