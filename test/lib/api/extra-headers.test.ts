import assert from "assert";
import { headerSecrets, parseExtraHeaders } from "../../../nodes/lib/api/extra-headers";
import { ClaudeError } from "../../../nodes/lib/errors";

describe("extra-headers", () => {
  it("reads a JSON object of header names and values; empty is none", () => {
    assert.deepStrictEqual(parseExtraHeaders(undefined), {});
    assert.deepStrictEqual(parseExtraHeaders("  "), {});
    assert.deepStrictEqual(parseExtraHeaders('{"cf-aig-authorization": " Bearer abc-123-secret ", "X-Team": "home"}'), { "cf-aig-authorization": "Bearer abc-123-secret", "X-Team": "home" });
  });

  it("refuses what is not one, naming the header but never its value", () => {
    for (const [text, detail] of [
      ["Bearer xyz", /not a JSON object/],
      ['["a"]', /not a JSON object/],
      ['{"bad name": "secret-value-1"}', /"bad name" is not a header name/],
      ['{"x-token": 42}', /the value of "x-token" is not one line of text/],
      ['{"x-token": "secret-value-1\\r\\nx-evil: 1"}', /the value of "x-token" is not one line of text/],
    ] as const) {
      assert.throws(
        () => parseExtraHeaders(text),
        (err: unknown) => err instanceof ClaudeError && err.key === "errors.bad-headers" && detail.test(String(err.params.detail)) && !String(err.params.detail).includes("secret-value"),
        text,
      );
    }
  });

  it("treats values of 8 characters or more as secrets", () => {
    assert.deepStrictEqual(headerSecrets({ a: "Bearer abc-123", b: "home", c: "12345678" }), ["Bearer abc-123", "12345678"]);
  });
});
