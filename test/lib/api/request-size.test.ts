import assert from "assert";
import { checkRequestSize, MAX_CHARS_PER_TOKEN, MAX_REQUEST_BYTES } from "../../../nodes/lib/api/request-size";
import { ClaudeError } from "../../../nodes/lib/errors";

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ClaudeError, String(err));
    return err;
  }
  return undefined;
};

describe("request-size", () => {
  it("refuses a body over the API's 32 MB, counting bytes, not characters", () => {
    const ascii = "x".repeat(MAX_REQUEST_BYTES - 1000);
    assert.strictEqual(refusal(() => checkRequestSize({ model: "m", max_tokens: 1, messages: [{ role: "user", content: ascii }] })), undefined);
    // Fewer characters than the limit, but three bytes each.
    const wide = "€".repeat(MAX_REQUEST_BYTES / 3 + 10);
    const err = refusal(() => checkRequestSize({ model: "m", max_tokens: 1, messages: [{ role: "user", content: wide }] }));
    assert.strictEqual(err?.key, "errors.request-too-large");
    assert.deepStrictEqual(err?.params, { size: "32.0 MB", max: "32.0 MB" });
  });

  it("refuses text that cannot fit in the context window, from system, messages and text documents", () => {
    const limit = 1000 * MAX_CHARS_PER_TOKEN;
    const fits = { model: "m", max_tokens: 1, system: "s".repeat(limit / 2), messages: [{ role: "user" as const, content: "u".repeat(limit / 2) }] };
    assert.strictEqual(refusal(() => checkRequestSize(fits, 1000)), undefined);
    const over = { ...fits, messages: [{ role: "user" as const, content: [{ type: "document" as const, source: { type: "text" as const, media_type: "text/plain" as const, data: "d".repeat(limit / 2 + 1) } }] }] };
    const err = refusal(() => checkRequestSize(over, 1000));
    assert.strictEqual(err?.key, "errors.text-too-long");
    assert.deepStrictEqual(err?.params, { chars: limit + 1, tokens: 1000 });
    assert.strictEqual(refusal(() => checkRequestSize(over, undefined)), undefined, "without the model's facts only the byte limit applies");
  });
});
