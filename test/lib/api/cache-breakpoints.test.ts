import assert from "assert";
import type { MessageCreateParamsBase } from "@anthropic-ai/sdk/resources/messages";
import { MAX_CACHE_BREAKPOINTS, withinBreakpointLimit } from "../../../nodes/lib/api/cache-breakpoints";

const cache = { type: "ephemeral" } as const;
const marked = (text: string) => ({ type: "text" as const, text, cache_control: cache });
const plain = (text: string) => ({ type: "text" as const, text });

function request(extra: Partial<MessageCreateParamsBase>, markedTurns: number): MessageCreateParamsBase {
  const messages: MessageCreateParamsBase["messages"] = [];
  for (let i = 0; i < markedTurns; i++) messages.push({ role: "user", content: [marked(`q${i}`)] }, { role: "assistant", content: [plain(`a${i}`)] });
  messages.push({ role: "user", content: "now" });
  return { model: "m", max_tokens: 10, messages, ...extra };
}

const markersOf = (messages: MessageCreateParamsBase["messages"]) =>
  messages.flatMap((m) => (typeof m.content === "string" ? [] : m.content)).flatMap((b: any) => [b, ...(b.type === "tool_result" && Array.isArray(b.content) ? b.content : [])]).filter((b: any) => b.cache_control).map((b: any) => b.text);

describe("cache breakpoints", () => {
  it("leaves a request within the limit untouched", () => {
    const params = request({ cache_control: cache }, 3);
    assert.strictEqual(withinBreakpointLimit(params), params.messages);
  });

  it("drops the oldest message marks first, counting system, tools and the automatic one", () => {
    const params = request({ cache_control: cache, system: [{ type: "text", text: "s", cache_control: cache }] }, 5);
    const before = JSON.stringify(params.messages);
    const messages = withinBreakpointLimit(params);
    assert.strictEqual(MAX_CACHE_BREAKPOINTS, 4);
    assert.deepStrictEqual(markersOf(messages), ["q3", "q4"]);
    assert.strictEqual(JSON.stringify(params.messages), before, "the stored messages are not changed");
    assert.strictEqual(messages[8], params.messages[8], "untouched messages are the same objects");

    const withTool = request({ tools: [{ name: "t", input_schema: { type: "object" }, cache_control: cache }], cache_control: cache }, 5);
    assert.deepStrictEqual(markersOf(withinBreakpointLimit(withTool)), ["q3", "q4"]);
    assert.deepStrictEqual(markersOf(withinBreakpointLimit(request({}, 6))), ["q2", "q3", "q4", "q5"]);
  });

  it("counts marks inside tool results and drops them in order", () => {
    const params: MessageCreateParamsBase = {
      model: "m",
      max_tokens: 10,
      cache_control: cache,
      messages: [
        { role: "user", content: [marked("q0"), marked("q1")] },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "n", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [marked("r0"), marked("r1")] }] },
      ],
    };
    assert.deepStrictEqual(markersOf(withinBreakpointLimit(params)), ["q1", "r0", "r1"]);
  });
});
