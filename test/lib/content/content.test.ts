import assert from "assert";
import { conversationIdFrom, toUserContent } from "../../../nodes/lib/content/content";
import { ClaudeError } from "../../../nodes/lib/errors";

const failsWith = (key: string) => (err: unknown) => err instanceof ClaudeError && err.key === key;

describe("user content", () => {
  it("takes text, numbers and booleans as text", () => {
    assert.strictEqual(toUserContent("hi"), "hi");
    assert.strictEqual(toUserContent(42), "42");
    assert.strictEqual(toUserContent(false), "false");
  });

  it("takes content blocks and strings inside a list", () => {
    const image = { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } };
    assert.deepStrictEqual(toUserContent(["look", image]), [{ type: "text", text: "look" }, image]);
    assert.deepStrictEqual(toUserContent({ type: "text", text: "one block" }), [{ type: "text", text: "one block" }]);
  });

  it("sends other objects as JSON", () => {
    assert.strictEqual(toUserContent({ temperature: 21 }), '{"temperature":21}');
  });

  it("sends objects and lists whose `type` is not a content block type as JSON", () => {
    const event = { type: "state_changed", entity_id: "light.kitchen", new_state: { state: "on" } };
    assert.strictEqual(toUserContent(event), JSON.stringify(event));
    assert.strictEqual(toUserContent([event, { type: "call_service" }]), JSON.stringify([event, { type: "call_service" }]));
    assert.strictEqual(toUserContent([1, 2, 3]), "[1,2,3]");
    // A list with a content block is content: the rest of it must be blocks too.
    assert.throws(() => toUserContent([{ type: "text", text: "hi" }, event]), failsWith("errors.bad-block"));
    assert.throws(() => toUserContent(["hi", 42]), failsWith("errors.bad-block"));
    // A block type of the API that a flow cannot send is refused, not sent as text.
    assert.throws(() => toUserContent({ type: "tool_use", id: "x", name: "n", input: {} }), failsWith("errors.bad-block"));
  });

  it("takes search_result blocks with their citations setting, and refuses malformed ones", () => {
    const result = { type: "search_result", source: "https://wiki.example/a", title: "A", content: [{ type: "text", text: "Fact." }], citations: { enabled: true } };
    assert.deepStrictEqual(toUserContent([result, "Question?"]), [result, { type: "text", text: "Question?" }]);
    assert.deepStrictEqual(toUserContent(result), [result]);
    for (const broken of [
      { ...result, source: "" },
      { ...result, title: undefined },
      { ...result, content: [] },
      { ...result, content: "Fact." },
      { ...result, content: [{ type: "image", source: {} }] },
      { ...result, content: [{ type: "text", text: "x", extra: 1 }] },
    ]) {
      assert.throws(() => toUserContent([broken]), failsWith("errors.bad-source"), JSON.stringify(broken));
    }
    assert.throws(() => toUserContent([{ ...result, id: 1 }]), failsWith("errors.block-field"));
  });

  it("rejects blank, binary, circular and unknown input with a clear reason", () => {
    for (const blank of [undefined, null, "", "  \n", []]) assert.throws(() => toUserContent(blank), failsWith("errors.empty-input"));
    assert.throws(() => toUserContent(Buffer.from("x")), failsWith("errors.binary-input"));
    const circular: any = { a: 1 };
    circular.self = circular;
    assert.throws(() => toUserContent(circular), failsWith("errors.unserialisable-input"));
    assert.throws(() => toUserContent([{ type: "tool_use" }]), failsWith("errors.bad-block"));
    assert.throws(() => toUserContent([{ type: "text", text: " " }]), failsWith("errors.blank-block"));
    assert.throws(() => toUserContent([{ type: "image" }]), failsWith("errors.bad-source"));
    assert.throws(() => toUserContent(new Uint8Array(2)), failsWith("errors.binary-input"));
    assert.throws(() => toUserContent(() => 1), failsWith("errors.unserialisable-input"));
  });

  it("rejects blocks the API would refuse: extra fields and unusable sources", () => {
    assert.throws(() => toUserContent([{ type: "text", text: "hi", extra: 1 }]), failsWith("errors.block-field"));
    const image = (source: unknown) => [{ type: "image", source }];
    assert.throws(() => toUserContent(image({ type: "base64", media_type: "image/tiff", data: "AAAA" })), failsWith("errors.bad-source"));
    assert.throws(() => toUserContent(image({ type: "base64", media_type: "image/png", data: "***" })), failsWith("errors.bad-source"));
    assert.throws(() => toUserContent(image({ type: "url", url: "file:///etc/passwd" })), failsWith("errors.bad-source"));
    assert.throws(() => toUserContent([{ type: "document", source: { type: "base64", media_type: "image/png", data: "AAAA" } }]), failsWith("errors.bad-source"));
    const fine = [...image({ type: "base64", media_type: "image/png", data: "AAAA" }), { type: "document", source: { type: "url", url: "https://x.test/a.pdf" }, title: "a" }];
    assert.deepStrictEqual(toUserContent(fine), fine);
  });

  it("takes strings and numbers as conversation ids and nothing else", () => {
    assert.strictEqual(conversationIdFrom("abc"), "abc");
    assert.strictEqual(conversationIdFrom(-100123), "-100123");
    assert.strictEqual(conversationIdFrom(undefined), undefined);
    assert.strictEqual(conversationIdFrom(""), undefined);
    assert.throws(() => conversationIdFrom({ id: 1 }), failsWith("errors.bad-conversation-id"));
    assert.throws(() => conversationIdFrom("x".repeat(257)), failsWith("errors.bad-conversation-id"));
  });
});
