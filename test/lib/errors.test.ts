import assert from "assert";
import { APIError, InternalServerError } from "@anthropic-ai/sdk";
import { ClaudeError, describeError } from "../../nodes/lib/errors";

function apiError(status: number | undefined, body: unknown, headers: Record<string, string> = {}): APIError {
  return APIError.generate(status as number, body as object, undefined, new Headers(headers));
}

describe("errors", () => {
  it("reads type, code and request id from the SDK's typed fields", () => {
    const err = apiError(403, { type: "error", error: { type: "billing_error", message: "Spend limit reached.", details: { error_code: "enforced_spend_limit_reached" } } }, { "request-id": "req_1" });
    const described = describeError(err);
    assert.strictEqual(described.type, "billing_error");
    assert.strictEqual(described.code, "enforced_spend_limit_reached");
    assert.strictEqual(described.request_id, "req_1");
    assert.strictEqual(described.status, 403);
    assert.strictEqual(described.key, "errors.forbidden");
    assert.strictEqual(described.params.detail, "Spend limit reached.", "the API's own message, not the SDK's status prefix");
  });

  it("takes the request id of an error event inside a stream from its body", () => {
    // As the SDK's stream reader makes it from an `error` event.
    const err = new APIError(undefined, { type: "error", error: { type: "api_error", message: "Internal error" }, request_id: "req_stream" }, undefined, new Headers());
    const described = describeError(err);
    assert.strictEqual(described.request_id, "req_stream");
    assert.strictEqual(described.key, "errors.stream-failed");
    assert.strictEqual(described.code, undefined);
  });

  it("says overloaded by the typed type, whatever the message says", () => {
    const err = new InternalServerError(500, { type: "error", error: { type: "overloaded_error", message: "anything at all" } }, undefined, new Headers());
    assert.strictEqual(describeError(err).key, "errors.overloaded");
  });

  it("reads a prompt over the window only from an invalid_request_error", () => {
    const tooLong = apiError(400, { type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 3 tokens > 2 maximum" } });
    assert.strictEqual(describeError(tooLong).key, "errors.prompt-too-long");
    const other = apiError(400, { type: "error", error: { type: "invalid_request_error", message: "max_tokens: must be at least 1" } });
    assert.strictEqual(describeError(other).key, "errors.api");
  });

  it("passes the package's own errors through with their key, type and details", () => {
    const described = describeError(new ClaudeError("errors.schema-mismatch", { attempts: 2 }, "validation_error", { validation: [] }));
    assert.deepStrictEqual(described, { key: "errors.schema-mismatch", params: { attempts: 2 }, type: "validation_error", details: { validation: [] } });
  });
});
