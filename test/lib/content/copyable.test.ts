import assert from "assert";
import { copyProblem, MAX_DEPTH } from "../../../nodes/lib/content/copyable";

function nested(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { v: value };
  return value;
}

describe("copyable", () => {
  it("takes ordinary messages, cycles, buffers and the HTTP request and response", () => {
    const loop: any = { a: 1 };
    loop.self = loop;
    const req = { get socket() { throw new Error("not for copying"); } };
    assert.strictEqual(copyProblem({ payload: "hi", topic: { a: [1, { b: 2 }] }, loop, buf: Buffer.alloc(1_000_000), deep: nested(MAX_DEPTH - 1), req, res: req }), undefined);
  });

  it("finds a value nested deeper than the limit, without overflowing its own stack", () => {
    assert.deepStrictEqual(copyProblem({ payload: "ok", topic: nested(MAX_DEPTH + 1) }), { property: "topic", problem: "too-deep" });
    assert.deepStrictEqual(copyProblem({ payload: nested(200_000) }), { property: "payload", problem: "too-deep" });
  });

  it("finds getters and proxies that throw, however they throw", () => {
    const getter = { ok: 1, get bad() { throw new Error("getter says no"); } };
    assert.deepStrictEqual(copyProblem({ payload: { inner: [getter] } }), { property: "payload", problem: "unreadable", detail: "getter says no" });
    const boom = () => {
      throw new Error("trap");
    };
    for (const trap of ["get", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf"]) {
      const proxy = new Proxy({ a: 1 }, { [trap]: boom });
      assert.deepStrictEqual(copyProblem({ payload: proxy }), { property: "payload", problem: "unreadable", detail: "trap" }, trap);
    }
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    assert.strictEqual(copyProblem({ payload: proxy })?.problem, "unreadable", "a revoked proxy");
    // What is thrown may itself be hostile.
    const hostile = new Proxy({}, { get: () => { throw new Proxy({}, { get: boom }); } });
    assert.strictEqual(copyProblem({ payload: { x: hostile } })?.problem, "unreadable");
    const msg = Object.defineProperty({ payload: 1 }, "topic", { enumerable: true, get: boom });
    assert.deepStrictEqual(copyProblem(msg), { property: "topic", problem: "unreadable", detail: "trap" }, "a getter on msg itself");
  });
});
