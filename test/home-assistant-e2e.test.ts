// Claude controls Home Assistant end to end: conversation → Claude tool (Home Assistant action
// mode) → the real Home Assistant Action node → Claude tool result, against the Anthropic and
// Home Assistant stand-ins. The Action, Catch and server nodes are taken from the example flow, so
// the example's settings are the ones proven here.
import assert from "assert";
import fs from "fs";
import path from "path";
import { pendingToolCalls } from "../nodes/runtime/tool-registry";
import { AnthropicStandIn, toolResults } from "./standins/anthropic-standin";
import { homeAssistantNodes, serverCredentials, useHomeAssistantUserDir, waitForHomeAssistant } from "./support/home-assistant-nodes";
import { HomeAssistantError, HomeAssistantStandIn } from "./standins/home-assistant-standin";
import { ALL_NODES, KEY, account, helper, nextMessage, useStandIn } from "./support/nodes";
import { REPO_ROOT } from "./support/paths";

type FlowNode = Record<string, any>;

const example: FlowNode[] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples/home-assistant-control.json"), "utf8"));
const exampleAction = example.find((n) => n.type === "api-call-service") as FlowNode;
const exampleCatch = example.find((n) => n.type === "catch" && n.scope?.includes(exampleAction.id)) as FlowNode;
const exampleServer = example.find((n) => n.id === exampleAction.server) as FlowNode;

const SERVER = "ha-server";
const ALLOWED = { actions: ["light.turn_on", "light.turn_off"], entities: ["light.kitchen", "light.living_*"] };

/** The whole loop, with the example's Action node and the Catch node that answers its failures. */
function flow(claudeUrl: string): FlowNode[] {
  return [
    { id: "tab", type: "tab", label: "test" },
    account(claudeUrl),
    { ...exampleServer, id: SERVER },
    { id: "chat", type: "claude-conversation", z: "tab", config: "account", maxRounds: 5, wires: [["out"]] },
    { id: "out", type: "helper", z: "tab" },
    { id: "tool", type: "claude-tool", z: "tab", name: "control_home", mode: "ha", timeout: 30, ...ALLOWED, wires: [["action"]] },
    { ...exampleAction, id: "action", z: "tab", server: SERVER, wires: [["result"]] },
    { ...exampleCatch, id: "catch", z: "tab", scope: ["action"], wires: [["result"]] },
    { id: "result", type: "claude-tool-result", z: "tab" },
  ];
}

function toolUse(id: string, input: unknown) {
  return { type: "tool_use", id, name: "control_home", input };
}

describe("Claude controls Home Assistant through the real Action node", function () {
  useHomeAssistantUserDir();
  const anthropic = useStandIn();
  let api: AnthropicStandIn;
  let home: HomeAssistantStandIn;

  beforeEach(async function () {
    api = anthropic();
    home = new HomeAssistantStandIn();
    await home.start();
  });

  // Runs after useStandIn's hook has unloaded the flow: stopping Home Assistant under a live
  // client would make it schedule reconnects.
  afterEach(async function () {
    await home.stop();
    assert.strictEqual(pendingToolCalls.size, 0, "no call is left waiting");
    assert.strictEqual(pendingToolCalls.activeTimers, 0, "no timer is left armed");
  });

  async function load() {
    await helper.load([...ALL_NODES, homeAssistantNodes], flow(api.url), { account: { apiKey: KEY }, ...serverCredentials(SERVER, home) });
    await waitForHomeAssistant(SERVER);
    return { chat: helper.getNode("chat"), out: helper.getNode("out") };
  }

  it("keeps the example's Action node open to the tool's message and its Catch node wired to the tool result", function () {
    assert.strictEqual(exampleAction.version, 7);
    assert.strictEqual(exampleAction.blockInputOverrides, false);
    assert.strictEqual(exampleAction.action, "");
    assert.deepStrictEqual(exampleAction.entityId, []);
    const resultIds = example.filter((n) => n.type === "claude-tool-result").map((n) => n.id);
    assert.ok(resultIds.includes(exampleAction.wires[0][0]), "the Action node answers through a tool result node");
    assert.ok(exampleCatch, "a Catch node watches the Action node");
    assert.deepStrictEqual(exampleCatch.wires, exampleAction.wires, "the Catch node answers through the same tool result node");
    const comment = example.find((n) => n.type === "comment") as FlowNode;
    assert.match(comment.info, /Block input overrides: in the Action node this must stay OFF/);
  });

  it("calls Home Assistant for the allowed entities only, and Claude gets every result", async function () {
    const nodes = await load();
    const allowed = { action: "light.turn_on", entity_id: ["light.kitchen", "light.living_room"], data: { brightness_pct: 50 } };
    // An allowed action with one allowed and one disallowed entity: nothing of it may reach HA.
    const otherEntity = { action: "light.turn_off", entity_id: ["light.living_room", "switch.garage"] };
    const otherAction = { action: "lock.unlock", entity_id: ["lock.front_door"] };
    api.reply({ content: [toolUse("toolu_ok", allowed), toolUse("toolu_entity", otherEntity), toolUse("toolu_action", otherAction)] });
    api.reply({ content: [{ type: "text", text: "Both lights are at half brightness." }] });
    const done = nextMessage(nodes.out);

    nodes.chat.receive({ payload: "Lights to half, garage off, unlock the door", conversation_id: "house" });
    const out = await done;

    assert.deepStrictEqual(home.serviceCalls, [
      {
        domain: "light",
        service: "turn_on",
        service_data: { brightness_pct: 50 },
        target: { entity_id: ["light.kitchen", "light.living_room"] },
        return_response: false,
        via: "websocket",
      },
    ]);

    assert.strictEqual(api.messageRequests.length, 2);
    const [ok, entity, action] = toolResults(api.messageRequests[1].body);
    // The Action node's output (what it sent to Home Assistant) is the result.
    assert.strictEqual(ok.tool_use_id, "toolu_ok");
    assert.strictEqual(ok.is_error, undefined);
    assert.deepStrictEqual(JSON.parse(ok.content), {
      domain: "light",
      service: "turn_on",
      data: { brightness_pct: 50 },
      target: { entity_id: ["light.kitchen", "light.living_room"] },
    });
    assert.strictEqual(entity.tool_use_id, "toolu_entity");
    assert.strictEqual(entity.is_error, true);
    assert.match(entity.content, /The entity "switch\.garage" is not allowed\. Allowed entities: light\.kitchen, light\.living_\*\./);
    assert.doesNotMatch(entity.content, /light\.living_room" is not allowed/);
    assert.strictEqual(action.tool_use_id, "toolu_action");
    assert.strictEqual(action.is_error, true);
    assert.match(action.content, /The action "lock\.unlock" is not allowed\. Allowed actions: light\.turn_on, light\.turn_off\./);
    assert.match(action.content, /The entity "lock\.front_door" is not allowed/);

    assert.strictEqual(out.payload, "Both lights are at half brightness.");
    assert.deepStrictEqual(
      out.claude.tool_calls.map((c: any) => [c.id, c.input, c.is_error]),
      [
        ["toolu_ok", allowed, false],
        ["toolu_entity", otherEntity, true],
        ["toolu_action", otherAction, true],
      ],
    );
    assert.strictEqual(out.claude.tool_calls[0].result, ok.content);
  });

  it("returns Home Assistant's refusal to Claude through the Catch node, and the turn ends", async function () {
    home.onServiceCall = () => {
      throw new HomeAssistantError("home_assistant_error", "Kitchen light is unreachable");
    };
    const nodes = await load();
    const call = { action: "light.turn_on", entity_id: ["light.kitchen"] };
    api.reply({ content: [toolUse("toolu_1", call)] });
    api.reply({ content: [{ type: "text", text: "The kitchen light does not answer." }] });
    const done = nextMessage(nodes.out);

    nodes.chat.receive({ payload: "Kitchen light on", conversation_id: "house" });
    const out = await done;

    assert.deepStrictEqual(
      home.serviceCalls.map((c) => [c.domain, c.service, c.target]),
      [["light", "turn_on", { entity_id: ["light.kitchen"] }]],
    );
    const [result] = toolResults(api.messageRequests[1].body);
    assert.strictEqual(result.tool_use_id, "toolu_1");
    assert.strictEqual(result.is_error, true);
    // Home Assistant's own words, at once: not the tool's timeout.
    assert.match(result.content, /Kitchen light is unreachable/);
    assert.strictEqual(out.payload, "The kitchen light does not answer.");
    assert.deepStrictEqual(
      out.claude.tool_calls.map((c: any) => [c.id, c.input, c.is_error]),
      [["toolu_1", call, true]],
    );
  });
});
