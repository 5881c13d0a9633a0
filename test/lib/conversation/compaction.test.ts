import assert from "assert";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { afterCompaction, hasCompaction, summariesAsText } from "../../../nodes/lib/conversation/compaction";
import { historyProblem } from "../../../nodes/lib/conversation/history";

const summary = (content: string | null) => ({ type: "compaction", content, encrypted_content: null, signature: `sig-${content}` }) as any;

const before: MessageParam[] = [
  { role: "user", content: "My name is Ada." },
  { role: "assistant", content: "Hello Ada." },
  { role: "user", content: "Which lights are on?" },
  { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "states", input: {} }] },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "kitchen: on" }] },
];

describe("compaction in a stored history", () => {
  it("keeps the history from its last summary on, led by the user message of that turn", () => {
    const compacted: MessageParam = { role: "assistant", content: [summary("Ada asked about lights."), { type: "text", text: "The kitchen light is on." }] };
    const kept = afterCompaction([...before, compacted]);
    assert.deepStrictEqual(kept, [before[2], compacted], "the tool round before the summary went, the turn's question stayed");
    assert.strictEqual(historyProblem(kept), undefined, "what is kept can be sent");
  });

  it("keeps a summary made in the first request of a turn with that turn's user message", () => {
    const history: MessageParam[] = [...before.slice(0, 2), { role: "user", content: "And now?" }, { role: "assistant", content: [summary("S"), { type: "text", text: "Now this." }] }];
    assert.deepStrictEqual(afterCompaction(history), history.slice(2));
  });

  it("follows the last of several summaries", () => {
    const first: MessageParam = { role: "assistant", content: [summary("one"), { type: "text", text: "a" }] };
    const second: MessageParam = { role: "assistant", content: [summary("two"), { type: "text", text: "b" }] };
    const history: MessageParam[] = [{ role: "user", content: "q1" }, first, { role: "user", content: "q2" }, second, { role: "user", content: "q3" }, { role: "assistant", content: "c" }];
    assert.deepStrictEqual(afterCompaction(history), history.slice(2));
  });

  it("leaves a history without a working summary as it is (a failed compaction replaces nothing)", () => {
    const failed: MessageParam[] = [...before.slice(0, 2), { role: "user", content: "q" }, { role: "assistant", content: [summary(null), { type: "text", text: "a" }] }];
    assert.strictEqual(afterCompaction(failed), failed);
    assert.strictEqual(afterCompaction(before), before);
  });

  it("turns summaries into text for a request that does not compact, and drops failed ones", () => {
    const history: MessageParam[] = [
      { role: "user", content: "q" },
      { role: "assistant", content: [summary("Ada lives in Berlin."), { type: "text", text: "Sure." }] },
      { role: "user", content: "r" },
      { role: "assistant", content: [summary(null), { type: "text", text: "Yes." }] },
    ];
    const text = summariesAsText(history);
    assert.deepStrictEqual(text[1].content, [{ type: "text", text: "Summary of the earlier conversation:\nAda lives in Berlin." }, { type: "text", text: "Sure." }]);
    assert.deepStrictEqual(text[3].content, [{ type: "text", text: "Yes." }]);
    assert.strictEqual(hasCompaction(text), false);
    assert.strictEqual(hasCompaction(history), true);
    assert.strictEqual(summariesAsText(before), before, "a history without summaries is passed through");
  });
});
