// What the daily limit sets aside for a request before it is sent: its max_tokens and its input estimate.
import assert from "assert";
import { estimateInputTokens, requestWorth } from "../../../nodes/lib/api/token-estimate";

describe("token estimate", () => {
  const base = { model: "claude-haiku-4-5", max_tokens: 500 };

  it("estimates input on the safe side of what the API counts, for English and for other scripts", () => {
    const english = "The quick brown fox jumps over the lazy dog. ".repeat(100); // about 1,000 tokens
    const params = { ...base, system: "Be brief.", messages: [{ role: "user" as const, content: english }] };
    assert.ok(estimateInputTokens(params) >= english.length / 4, "at least 4 characters per token");
    assert.ok(estimateInputTokens(params) <= english.length / 2, "not wildly more");
    const japanese = "日本語の文章です。".repeat(100); // about one token per character
    assert.ok(estimateInputTokens({ ...base, messages: [{ role: "user", content: japanese }] }) >= japanese.length);
  });

  it("counts system, tools and every message", () => {
    const one = estimateInputTokens({ ...base, messages: [{ role: "user", content: "hi" }] });
    const more = estimateInputTokens({
      ...base,
      system: "x".repeat(3000),
      tools: [{ name: "lights", description: "y".repeat(3000), input_schema: { type: "object" } }],
      messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "z".repeat(3000) }, { role: "user", content: "ok" }],
    });
    assert.ok(more - one >= 3000, `${more - one}`);
  });

  it("counts an image by what the API makes of it, not by its base64 length", () => {
    const data = "A".repeat(4_000_000);
    const tokens = estimateInputTokens({
      ...base,
      messages: [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data } }] }],
    });
    assert.ok(tokens >= 1600 && tokens < 2000, `${tokens}`);
  });

  it("adds max_tokens, all the answer may write", () => {
    const params = { ...base, messages: [{ role: "user" as const, content: "hi" }] };
    assert.strictEqual(requestWorth(params), estimateInputTokens(params) + 500);
  });
});
