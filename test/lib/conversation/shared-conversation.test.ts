import assert from "assert";
import { SharedConversationWatch, sourceOf } from "../../../nodes/lib/conversation/shared-conversation";

describe("shared conversation watch", () => {
  it("names a message's source from a dashboard client or a chat id", () => {
    assert.strictEqual(sourceOf({ _client: { socketId: "abc" }, payload: "hi" }), "client:abc");
    assert.strictEqual(sourceOf({ payload: { chatId: 42, content: "hi" } }), "chat:42");
    assert.strictEqual(sourceOf({ chatId: 7 }), "chat:7");
    assert.strictEqual(sourceOf({ originalMessage: { chat: { id: 9 } } }), "chat:9");
    assert.strictEqual(sourceOf({ payload: "hi", topic: "x" }), undefined);
    assert.strictEqual(sourceOf({ _client: {}, payload: "hi" }), undefined);
  });

  it("says so once, when a second source appears", () => {
    const watch = new SharedConversationWatch();
    assert.strictEqual(watch.mixed({ payload: "no source" }), false);
    assert.strictEqual(watch.mixed({ _client: { socketId: "a" } }), false);
    assert.strictEqual(watch.mixed({ _client: { socketId: "a" } }), false, "the same browser again");
    assert.strictEqual(watch.mixed({ payload: "no source" }), false);
    assert.strictEqual(watch.mixed({ _client: { socketId: "b" } }), true);
    assert.strictEqual(watch.mixed({ payload: { chatId: 3 } }), false, "only once");
  });
});
