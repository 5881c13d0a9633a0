// Which context store a name resolves to, as Node-RED resolves it, and whether it keeps writes through a crash.
import assert from "assert";
import { storeDurability } from "../../../nodes/lib/conversation/store-durability";

describe("store durability", () => {
  const storage = {
    default: { module: "memory" },
    file: { module: "localfilesystem" },
    often: { module: "localfilesystem", config: { flushInterval: 1 } },
    durable: { module: "localfilesystem", config: { cache: false } },
    redis: { module: { name: "a custom store" } },
  };

  it("tells a store written at once from a cached one and from memory", () => {
    assert.deepStrictEqual(storeDurability(storage, "durable"), { kind: "durable", store: "durable" });
    assert.deepStrictEqual(storeDurability(storage, "file"), { kind: "cached", store: "file", flushSeconds: 30 });
    assert.deepStrictEqual(storeDurability(storage, "often"), { kind: "cached", store: "often", flushSeconds: 1 });
    assert.deepStrictEqual(storeDurability(storage, ""), { kind: "memory", store: "default" });
    assert.deepStrictEqual(storeDurability(storage, "redis"), { kind: "unknown", store: "redis" });
  });

  it("resolves the default store as Node-RED does", () => {
    assert.deepStrictEqual(storeDurability(undefined, ""), { kind: "memory", store: "memory" }, "no contextStorage: memory");
    assert.deepStrictEqual(storeDurability({}, "x"), { kind: "memory", store: "memory" });
    assert.deepStrictEqual(storeDurability(storage, "nosuchstore"), { kind: "memory", store: "default" }, "an unknown name falls back to the default");
    const alias = { default: "durable", durable: { module: "localfilesystem", config: { cache: false } }, mem: { module: "memory" } };
    assert.deepStrictEqual(storeDurability(alias, undefined), { kind: "durable", store: "durable" });
    assert.deepStrictEqual(storeDurability(alias, "default"), { kind: "durable", store: "durable" });
    const firstIsDefault = { disk: { module: "localfilesystem" }, mem: { module: "memory" } };
    assert.deepStrictEqual(storeDurability(firstIsDefault, ""), { kind: "cached", store: "disk", flushSeconds: 30 });
  });
});
