import assert from "assert";
import type { MessageParam, SearchResultBlockParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { historyProblem, replayable, startsTurn, trimHistory, withoutThinking } from "../../../nodes/lib/conversation/history";

const user = (text: string): MessageParam => ({ role: "user", content: text });
const assistant = (text: string): MessageParam => ({ role: "assistant", content: [{ type: "text", text }] });
const toolCall = (id: string): MessageParam => ({ role: "assistant", content: [{ type: "tool_use", id, name: "lamp", input: {} }] });
const toolResult = (id: string): MessageParam => ({ role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "ok" }] });

describe("history", () => {
  it("a user message of tool results continues a turn; any other user message starts one", () => {
    assert.strictEqual(startsTurn(user("hi")), true);
    assert.strictEqual(startsTurn(toolResult("t1")), false);
    assert.strictEqual(startsTurn(assistant("x")), false);
  });

  it("trims whole turns from the start, never splitting a tool call from its result", () => {
    const history = [user("1"), toolCall("t1"), toolResult("t1"), assistant("a1"), user("2"), assistant("a2"), user("3"), toolCall("t3"), toolResult("t3"), assistant("a3")];
    assert.deepStrictEqual(trimHistory(history, 6), history.slice(4));
    assert.deepStrictEqual(trimHistory(history, 5), history.slice(6));
    assert.strictEqual(historyProblem(trimHistory(history, 5)), undefined);
    assert.deepStrictEqual(trimHistory(history, 100), history);
    assert.deepStrictEqual(trimHistory(history, 0), history, "0 keeps everything");
  });

  it("once over the cap, keeps at most `keep` messages", () => {
    const history = [user("1"), assistant("a1"), user("2"), assistant("a2"), user("3"), assistant("a3")];
    assert.deepStrictEqual(trimHistory(history, 5, 2), history.slice(4));
    assert.deepStrictEqual(trimHistory(history, 6, 2), history, "not over the cap: nothing dropped");
    assert.deepStrictEqual(trimHistory(history, 4, 10), history.slice(2), "never more than the cap");
  });

  it("keeps the last turn whole even when it alone is longer than the cap", () => {
    const history = [user("1"), assistant("a1"), user("2"), toolCall("t"), toolResult("t"), assistant("a2")];
    assert.deepStrictEqual(trimHistory(history, 2), history.slice(2));
  });

  it("finds what makes a stored history unusable", () => {
    assert.strictEqual(historyProblem([user("hi"), assistant("yo")]), undefined);
    assert.strictEqual(historyProblem([]), undefined);
    assert.match(historyProblem("nope")!, /not a list/);
    assert.match(historyProblem([assistant("yo")])!, /start with a user/);
    assert.match(historyProblem([user("hi"), { role: "robot", content: "x" }])!, /role/);
    assert.match(historyProblem([user("hi"), toolCall("t1"), user("no result")])!, /no result/);
    assert.match(historyProblem([user("hi"), { role: "assistant", content: [{ text: "no type" }] }])!, /without a type/);
    assert.match(historyProblem([user("hi")])!, /end with an answer/);
  });

  it("drops thinking blocks, which are bound to the model that wrote them", () => {
    const history: MessageParam[] = [
      user("hi"),
      { role: "assistant", content: [{ type: "thinking", thinking: "hm", signature: "s" }, { type: "redacted_thinking", data: "x" }, { type: "text", text: "yo" }] },
    ];
    assert.deepStrictEqual(withoutThinking(history)[1].content, [{ type: "text", text: "yo" }]);
    assert.strictEqual((history[1].content as unknown[]).length, 3, "the input is not changed");
  });
});

describe("history soundness", () => {
  const u = (content: MessageParam["content"]): MessageParam => ({ role: "user", content });
  const a = (content: MessageParam["content"]): MessageParam => ({ role: "assistant", content });
  const call = { type: "tool_use", id: "toolu_1", name: "lights", input: { on: true } } as const;
  const result = { type: "tool_result", tool_use_id: "toolu_1", content: "done" } as const;

  it("accepts a sound history with a tool round", () => {
    assert.strictEqual(historyProblem([u("lights on"), a([call]), u([result]), a([{ type: "text", text: "Done." }])]), undefined);
  });

  const searchResult: SearchResultBlockParam = { type: "search_result", source: "https://wiki.example/a", title: "A", content: [{ type: "text", text: "Fact." }], citations: { enabled: true } };
  const cited: TextBlockParam = { type: "text", text: "Fact.", citations: [{ type: "search_result_location", source: "https://wiki.example/a", title: "A", cited_text: "Fact.", search_result_index: 0, start_block_index: 0, end_block_index: 0 }] };

  it("accepts search_result blocks in user messages and tool results, with the answers citing them", () => {
    assert.strictEqual(historyProblem([u([searchResult, { type: "text", text: "Q?" }]), a([cited])]), undefined);
    assert.strictEqual(historyProblem([u("Q?"), a([call]), u([{ ...result, content: [searchResult] }]), a([cited])]), undefined);
    assert.match(historyProblem([u([{ ...searchResult, content: [] }]), a("x")]) ?? "", /malformed search result/);
    assert.match(historyProblem([u("Q?"), a([searchResult])]) ?? "", /a block of type search_result from the assistant/);
  });

  it("leaves block types newer than the SDK to the API", () => {
    assert.strictEqual(historyProblem([u("Q?"), a([{ type: "some_future_block", data: 1 } as any, { type: "text", text: "x" }])]), undefined);
  });

  const broken: Array<[string, unknown, RegExp]> = [
    ["not a list", { messages: [] }, /not a list/],
    ["a message that is not an object", [u("hi"), "hello"], /message 1 is not an object/],
    ["an unknown role", [u("hi"), { role: "system", content: "x" }], /message 1 has role "system"/],
    ["no content", [u("hi"), { role: "assistant" }], /message 1 has no content/],
    ["empty string content", [u("hi"), a("  ")], /message 1 is empty/],
    ["an empty block list", [u("hi"), a([])], /message 1 is empty/],
    ["a block without a type", [u("hi"), a([{ text: "x" } as any])], /block without a type/],
    ["an empty text block", [u("hi"), a([{ type: "text", text: " " }])], /an empty text block/],
    ["a thinking block without signature", [u("hi"), a([{ type: "thinking", thinking: "hm" } as any, { type: "text", text: "x" }])], /malformed thinking/],
    ["a tool call without input", [u("hi"), a([{ type: "tool_use", id: "t", name: "n" } as any]), u([{ type: "tool_result", tool_use_id: "t" }]), a("ok")], /malformed tool call/],
    ["an image from the assistant", [u("hi"), a([{ type: "image", source: { type: "base64" } } as any])], /a block of type image from the assistant/],
    ["a start with the assistant", [a("hello"), u("hi"), a("x")], /does not start with a user message/],
    ["a start with a tool result", [u([result]), a("x")], /does not start with a user message/],
    ["a tool call without its result", [u("hi"), a([call]), u("next"), a("x")], /tool call in message 1 has no result/],
    ["a result for a call never made", [u("hi"), a("x"), u([{ ...result, tool_use_id: "toolu_9" }, { type: "text", text: "and" }]), a("y")], /message 2 answers a tool call that was not made/],
    ["an unanswered last user message", [u("hi")], /does not end with an answer/],
  ];
  for (const [name, value, problem] of broken) {
    it(`finds ${name}`, () => {
      assert.match(historyProblem(value) ?? "", problem);
    });
  }

  it("makes an empty or blank answer replayable", () => {
    assert.deepStrictEqual(replayable([]), [{ type: "text", text: "(no answer)" }]);
    assert.deepStrictEqual(replayable([{ type: "text", text: "" }, call]), [call]);
    assert.deepStrictEqual(replayable([{ type: "text", text: "Hi" }]), [{ type: "text", text: "Hi" }]);
  });

  it("makes an empty or blank answer replayable", () => {
    assert.deepStrictEqual(replayable([]), [{ type: "text", text: "(no answer)" }]);
    assert.deepStrictEqual(replayable([{ type: "text", text: "" }, call]), [call]);
    assert.deepStrictEqual(replayable([{ type: "text", text: "Hi" }]), [{ type: "text", text: "Hi" }]);
  });
});
