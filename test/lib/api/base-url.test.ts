import assert from "assert";
import { baseUrlProblem } from "../../../nodes/lib/api/base-url";

describe("base-url", () => {
  it("takes an empty URL (the API's own) and http(s) addresses", () => {
    for (const url of ["", "https://api.anthropic.com", "http://127.0.0.1:8080/v1", "https://gw.example.com/a@b"]) assert.strictEqual(baseUrlProblem(url), undefined, url);
  });

  it("refuses user info, and names the URL without it", () => {
    for (const [url, shown] of [
      ["https://user:s3cret-pass@gw.example.com/anthropic", "https://gw.example.com/anthropic"],
      ["https://sk-ant-api03-KEY@gw.example.com", "https://gw.example.com/"],
      ["http://:only-password@127.0.0.1:9000", "http://127.0.0.1:9000/"],
    ]) {
      const problem = baseUrlProblem(url);
      assert.deepStrictEqual(problem, { key: "errors.base-url-credentials", params: { url: shown } }, url);
    }
  });

  it("refuses what is not an http(s) URL, without repeating user info", () => {
    assert.deepStrictEqual(baseUrlProblem("ftp://host"), { key: "errors.bad-base-url", params: { url: "ftp://host" } });
    assert.deepStrictEqual(baseUrlProblem("not a url"), { key: "errors.bad-base-url", params: { url: "not a url" } });
    assert.deepStrictEqual(baseUrlProblem("https://user:pass@exa mple.com"), { key: "errors.bad-base-url", params: { url: "https://exa mple.com" } });
  });
});
