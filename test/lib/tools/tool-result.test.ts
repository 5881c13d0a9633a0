import assert from "assert";
import { ClaudeError } from "../../../nodes/lib/errors";
import { errorText, resultContent } from "../../../nodes/lib/tools/tool-result";
import { API_IMAGE_LIMIT, pngOfSize, SAMPLES } from "../../support/samples";

const texts = { cut: (shown: number, total: number) => ` [cut ${shown}/${total}]`, empty: "(nothing)" };
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

describe("tool-result", () => {
  it("sends a string as it is and anything else as JSON", () => {
    assert.deepStrictEqual(resultContent("21.5 °C", texts).content, "21.5 °C");
    assert.deepStrictEqual(resultContent({ state: "on" }, texts).content, '{"state":"on"}');
    assert.deepStrictEqual(resultContent(42, texts).content, "42");
    assert.deepStrictEqual(resultContent(false, texts).content, "false");
  });

  it("sends content blocks (search_result among them) as blocks, and other typed objects as JSON", () => {
    const result = { type: "search_result", source: "https://wiki.example/a", title: "A", content: [{ type: "text", text: "Fact." }], citations: { enabled: true } };
    assert.deepStrictEqual(resultContent([result, { type: "text", text: "more" }], texts).content, [result, { type: "text", text: "more" }]);
    assert.deepStrictEqual(resultContent(result, texts).content, [result]);
    const event = { type: "state_changed", entity_id: "light.a" };
    assert.strictEqual(resultContent(event, texts).content, JSON.stringify(event));
    assert.strictEqual(resultContent([event], texts).content, JSON.stringify([event]));
    assert.strictEqual(resultContent(["a", "b"], texts).content, '["a","b"]', "a list of strings stays data");
    const refused = (e: unknown) => e instanceof ClaudeError && e.key === "errors.bad-block";
    assert.throws(() => resultContent([{ type: "tool_reference", tool_name: "x" }], texts), refused);
    assert.throws(() => resultContent({ type: "tool_use", id: "t", name: "n", input: {} }, texts), refused);
    assert.throws(() => resultContent([result, 42], texts), refused);
  });

  it("sends something for an empty result, since Claude needs content", () => {
    assert.strictEqual(resultContent(undefined, texts).content, "(nothing)");
    assert.strictEqual(resultContent("  ", texts).content, "(nothing)");
  });

  it("cuts huge text and says so", () => {
    const { content } = resultContent("x".repeat(250), texts, 100);
    assert.strictEqual(content, "x".repeat(100) + " [cut 100/250]");
  });

  it("sends an image Buffer as an image block, recognised by its bytes", () => {
    const { content, summary } = resultContent(PNG, texts);
    assert.deepStrictEqual(content, [{ type: "image", source: { type: "base64", media_type: "image/png", data: PNG.toString("base64") } }]);
    assert.deepStrictEqual(summary, { type: "image", media_type: "image/png", bytes: PNG.length });
  });

  it("sends a PDF Buffer as a document, and other bytes as text", () => {
    const pdf = Buffer.from("%PDF-1.7\n...");
    assert.deepStrictEqual(resultContent(pdf, texts).content, [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: pdf.toString("base64") } }]);
    assert.strictEqual(resultContent(Buffer.from("plain words"), texts).content, "plain words");
  });

  it("does not send a WAV sound as a WEBP image", () => {
    const { content } = resultContent(SAMPLES.wav, texts);
    assert.strictEqual(typeof content, "string", "sent as text, not as an image block");
  });

  it("refuses an image larger than the API takes, and a circular value", () => {
    assert.strictEqual((resultContent(pngOfSize(API_IMAGE_LIMIT), texts).summary as any).type, "image", "the API's 5 MB fit");
    const big = pngOfSize(API_IMAGE_LIMIT + 1);
    assert.throws(() => resultContent(big, texts), (e: unknown) => e instanceof ClaudeError && e.key === "errors.tool-result-image-too-large");
    const circular: any = {};
    circular.self = circular;
    assert.throws(() => resultContent(circular, texts), (e: unknown) => e instanceof ClaudeError && e.key === "errors.tool-result-unserialisable");
  });

  it("reads the message of msg.error in its usual shapes", () => {
    assert.strictEqual(errorText({ message: "HA refused", source: { id: "x" } }), "HA refused");
    assert.strictEqual(errorText("broken"), "broken");
    assert.strictEqual(errorText(undefined), undefined);
  });
});
