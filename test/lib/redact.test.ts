import assert from "assert";
import { redact, redactDeep } from "../../nodes/lib/redact";

const KEY = "sk-ant-api03-SECRET";

describe("redact", () => {
  it("removes the secret from text, and leaves text alone without a secret", () => {
    assert.strictEqual(redact(`bad key ${KEY} (${KEY})`, KEY), "bad key [redacted] ([redacted])");
    assert.strictEqual(redact(`bad key ${KEY}`, undefined), `bad key ${KEY}`);
    assert.strictEqual(redact("abcabc", "ab"), "abcabc", "too short a secret is not looked for");
  });

  it("removes the secret from every string of an error at any depth, keys included", () => {
    const error = {
      message: "failed",
      type: `${KEY}_error`,
      status: 400,
      request_id: `req_${KEY}`,
      validation: [{ instancePath: `/${KEY}`, params: { [KEY]: [KEY, 1, true, null] } }],
    };
    const clean = redactDeep(error, KEY);
    assert.ok(!JSON.stringify(clean).includes(KEY), JSON.stringify(clean));
    assert.deepStrictEqual(clean, {
      message: "failed",
      type: "[redacted]_error",
      status: 400,
      request_id: "req_[redacted]",
      validation: [{ instancePath: "/[redacted]", params: { "[redacted]": ["[redacted]", 1, true, null] } }],
    });
    assert.ok(JSON.stringify(error).includes(KEY), "the original is left as it was");
  });

  it("removes every secret of a list, a longer one whole even when it holds a shorter one", () => {
    const token = "gw-token-77";
    assert.strictEqual(redact(`key ${KEY}, token ${token}, both ${KEY}-x`, [token, KEY]), "key [redacted], token [redacted], both [redacted]-x");
    assert.strictEqual(redact(`${KEY}`, ["sk-ant", KEY]), "[redacted]");
    assert.deepStrictEqual(redactDeep({ a: [token] }, [KEY, token]), { a: ["[redacted]"] });
  });

  it("keeps a __proto__ key a key, and survives cycles", () => {
    const parsed = JSON.parse(`{"__proto__": {"x": "${KEY}"}}`);
    const clean = redactDeep(parsed, KEY);
    assert.strictEqual(Object.getPrototypeOf(clean), Object.prototype);
    assert.deepStrictEqual(Object.keys(clean), ["__proto__"]);
    const loop: any = { text: KEY };
    loop.self = loop;
    assert.deepStrictEqual(redactDeep(loop, KEY), { text: "[redacted]", self: undefined });
  });
});
