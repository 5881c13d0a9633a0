import assert from "assert";
import { editorList } from "../../../nodes/lib/api/editor-values";
import { actionPayload, entitiesNamedIn, actionSchema, allowedBy, checkAllowList, checkCall, patternToRegExp } from "../../../nodes/lib/tools/ha-action";
import { compileSchema } from "../../../nodes/lib/data/json-schema";
import { toolInputSchema } from "../../../nodes/lib/tools/tool-schema";

const texts = { action: "the action", entity_id: "the entities", data: "the data" };
const allow = { actions: ["light.turn_on", "light.turn_off", "climate.set_temperature"], entities: ["light.*", "switch.garden_pump"] };

describe("ha-action", () => {
  it("reads allow lists from arrays or text, trimmed and lower case", () => {
    assert.deepStrictEqual(editorList([" Light.Turn_On ", "", "light.turn_on"]), ["light.turn_on"]);
    assert.deepStrictEqual(editorList("light.*, switch.pump\nfan.x"), ["light.*", "switch.pump", "fan.x"]);
    assert.deepStrictEqual(editorList(undefined), []);
  });

  it("finds empty and malformed allow lists", () => {
    assert.deepStrictEqual(checkAllowList(allow), []);
    const keys = checkAllowList({ actions: ["turn_on", "light.turn_on"], entities: [] }).map((p) => p.key);
    assert.deepStrictEqual(keys, ["errors.ha-no-entities", "errors.ha-bad-action-pattern"]);
    assert.deepStrictEqual(checkAllowList({ actions: [], entities: ["light.kitchen light"] }).map((p) => p.key), ["errors.ha-no-actions", "errors.ha-bad-entity-pattern"]);
  });

  it("matches * within a part of an id, and never lets anything but an entity id through", () => {
    assert.ok(allowedBy("light.kitchen", ["light.*"]));
    assert.ok(!allowedBy("switch.kitchen", ["light.*"]));
    assert.ok(allowedBy("light.kitchen_ceiling", ["light.kitchen_*"]));
    assert.ok(!allowedBy("light.hall", ["light.kitchen_*"]));
    assert.ok(allowedBy("switch.garden_pump", ["*"]));
    assert.ok(!allowedBy("all", ["*"]), "HA's special 'all' target is not an entity");
    assert.ok(!allowedBy("light.kitchen,light.hall", ["light.*"]));
    assert.ok(!allowedBy("light.a.b", ["light.*"]));
    assert.ok(!patternToRegExp("light.turn_on").test("lightxturn_on"), "the dot is literal");
  });

  it("shows Claude exactly the allowed lists: enums when exact, a pattern for wildcards", () => {
    const exact = actionSchema({ actions: ["light.turn_on"], entities: ["light.kitchen", "switch.garden_pump"] }, texts) as any;
    assert.deepStrictEqual(exact.properties.action, { type: "string", enum: ["light.turn_on"], description: "the action" });
    assert.deepStrictEqual(exact.properties.entity_id.items, { type: "string", enum: ["light.kitchen", "switch.garden_pump"] });
    assert.deepStrictEqual(exact.required, ["action", "entity_id"]);
    assert.strictEqual(exact.additionalProperties, false);
    const wild = actionSchema(allow, texts) as any;
    const items = new RegExp(wild.properties.entity_id.items.pattern);
    assert.ok(items.test("light.hall") && items.test("switch.garden_pump") && !items.test("switch.other"));
    assert.deepStrictEqual(toolInputSchema(wild), wild, "the schema is already in the API's form");
  });

  it("the schema itself rejects extra fields and target keys in data", () => {
    const schema = compileSchema(actionSchema(allow, texts));
    assert.deepStrictEqual(schema.validate({ action: "light.turn_on", entity_id: ["light.hall"], data: { brightness_pct: 50 } }), []);
    assert.notDeepStrictEqual(schema.validate({ action: "light.turn_on", entity_id: ["light.hall"], extra: 1 }), []);
    assert.notDeepStrictEqual(schema.validate({ action: "light.turn_on", entity_id: ["light.hall"], data: { entity_id: "lock.front_door" } }), []);
    assert.notDeepStrictEqual(schema.validate({ action: "light.turn_on", entity_id: [] }), []);
  });

  it("says what is allowed when a call asks for something else", () => {
    assert.deepStrictEqual(checkCall({ action: "light.turn_on", entity_id: ["light.hall"] }, allow), []);
    const problems = checkCall({ action: "lock.unlock", entity_id: ["light.hall", "lock.front_door"], data: { area_id: "house" } }, allow);
    assert.deepStrictEqual(problems, [
      { key: "errors.ha-action-not-allowed", params: { action: "lock.unlock", allowed: "light.turn_on, light.turn_off, climate.set_temperature" } },
      { key: "errors.ha-entity-not-allowed", params: { entity: "lock.front_door", allowed: "light.*, switch.garden_pump" } },
      { key: "errors.ha-data-target", params: { key: "area_id" } },
    ]);
    assert.strictEqual(checkCall({ action: "light.turn_on", entity_id: "lock.front_door" }, allow).length, 1, "a single id is checked too");
    assert.deepStrictEqual(checkCall(null, allow), [], "shape problems are left to the schema");
    assert.deepStrictEqual(
      checkCall({ action: "light.turn_on", entity_id: ["light.hall"], data: { target: { entity_id: "lock.front_door" } } }, allow),
      [
        { key: "errors.ha-data-target", params: { key: "target" } },
        { key: "errors.ha-data-entity-not-allowed", params: { entity: "lock.front_door", allowed: "light.*, switch.garden_pump" } },
      ],
      "a target hidden in data would reach Home Assistant as is",
    );
  });

  it("refuses entities named anywhere in data, in values and keys, as Home Assistant would read them", () => {
    const denied = (data: unknown) =>
      checkCall({ action: "light.turn_on", entity_id: ["light.hall"], data }, allow)
        .filter((p) => p.key === "errors.ha-data-entity-not-allowed")
        .map((p) => p.params.entity);
    // Fields other than the target that name entities: tts.speak, media_player.join, scene.apply.
    assert.deepStrictEqual(denied({ media_player_entity_id: "media_player.kitchen", message: "Hello. It is 5.30 now." }), ["media_player.kitchen"]);
    assert.deepStrictEqual(denied({ group_members: ["light.hall", "lock.front_door"] }), ["lock.front_door"]);
    assert.deepStrictEqual(denied({ entities: { "lock.front_door": { state: "unlocked" }, "light.hall": "on" } }), ["lock.front_door"]);
    assert.deepStrictEqual(denied({ deep: [[{ a: { b: [{ c: "switch.heater" }] } }]] }), ["switch.heater"]);
    // Home Assistant lower-cases entity ids and splits comma-separated lists.
    assert.deepStrictEqual(denied({ members: "light.hall, LOCK.Front_Door" }), ["lock.front_door"]);
    assert.deepStrictEqual(denied({ brightness_pct: 50, transition: "0.5", color_name: "red", members: ["switch.garden_pump", "light.porch"] }), [], "allowed ids and non-ids pass");
    assert.deepStrictEqual(entitiesNamedIn({ a: "sensor.x", b: ["Sensor.X", "x", "0.5", "a.b.c"] }), ["sensor.x"]);
  });

  it("maps a call to what the Home Assistant Action node takes", () => {
    assert.deepStrictEqual(actionPayload({ action: "light.turn_on", entity_id: ["light.hall"], data: { brightness_pct: 40 } }), {
      action: "light.turn_on",
      target: { entity_id: ["light.hall"] },
      data: { brightness_pct: 40 },
    });
    assert.deepStrictEqual(actionPayload({ action: "light.turn_off", entity_id: ["light.hall"] }).data, {});
  });
});
