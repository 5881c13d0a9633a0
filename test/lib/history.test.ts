import assert from "assert";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { historyProblem, startsTurn, trimHistory, withoutThinking } from "../../nodes/lib/history";

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
