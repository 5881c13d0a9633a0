import assert from "assert";
import type { Message, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { BadRequestError } from "@anthropic-ai/sdk";
import { ClaudeError } from "../../../nodes/lib/errors";
import { answerText, runTurn, stopError, type TurnSettings } from "../../../nodes/lib/conversation/turn";
import { totalTokens } from "../../../nodes/lib/api/usage";

function message(content: any[], stop_reason: string, usage = { input_tokens: 1, output_tokens: 1 }): Message {
  return { id: "m", type: "message", role: "assistant", model: "claude-haiku-4-5", content, stop_reason, stop_sequence: null, usage } as unknown as Message;
}

function settings(replies: Message[], extra: Partial<TurnSettings> = {}): TurnSettings & { sent: MessageParam[][] } {
  const sent: MessageParam[][] = [];
  return {
    sent,
    request: (messages) => ({ model: "m", max_tokens: 10, messages: [...messages] }),
    send: async (params) => {
      sent.push(params.messages);
      const reply = replies.shift();
      if (!reply) throw new Error("no more replies");
      return reply;
    },
    runTools: async (calls) =>
      calls.map((c) => ({
        block: { type: "tool_result" as const, tool_use_id: c.id, content: `done ${c.name}` },
        record: { id: c.id, name: c.name, input: c.input, result: `done ${c.name}`, is_error: false },
      })),
    maxRounds: 2,
    maxContinuations: 1,
    ...extra,
  };
}

const user: MessageParam = { role: "user", content: "turn on the lights" };
const call = (id: string) => ({ type: "tool_use", id, name: "lights", input: { on: true } });

describe("turn runner", () => {
  it("joins text blocks in a row as they are, and starts a paragraph after a server tool", () => {
    const search = { type: "server_tool_use", id: "s", name: "web_search", input: {} };
    const found = { type: "web_search_tool_result", tool_use_id: "s", content: [] };
    const text = (t: string) => ({ type: "text", text: t });
    assert.strictEqual(answerText([text("Let me search."), search, found, text("It is "), text("sunny"), text(".")] as any), "Let me search.\n\nIt is sunny.");
    assert.strictEqual(answerText([{ type: "thinking", thinking: "hm", signature: "x" }, text("Hi")] as any), "Hi", "nothing before the first text");
    assert.strictEqual(answerText([text("A"), search, text(""), found, text("B")] as any), "A\n\nB", "empty text adds no paragraph");
  });

  it("sends the conversation's container with code execution, and a newer one from the answers", async () => {
    const codeTools = { tools: [{ type: "code_execution_20250825", name: "code_execution" }] } as const;
    const withContainer = (m: Message, id: string) => ({ ...m, container: { id, expires_at: "2099-01-01T00:00:00Z", skills: null } }) as Message;
    const bodies: any[] = [];
    const replies = [withContainer(message([{ type: "server_tool_use", id: "s", name: "bash_code_execution", input: {} }], "pause_turn"), "c_new"), message([{ type: "text", text: "ok" }], "end_turn")];
    const s = settings([], {
      container: "c_old",
      request: (messages) => ({ model: "m", max_tokens: 10, messages: [...messages], ...codeTools }) as any,
      send: async (params) => (bodies.push(params), replies.shift()!),
      maxContinuations: 2,
    });
    const result = await runTurn([], user, s);
    assert.deepStrictEqual(bodies.map((b) => b.container), ["c_old", "c_new"]);
    assert.strictEqual(result.container?.id, "c_new");
    // Without code execution among the tools there is no container to name.
    const plainBodies: any[] = [];
    await runTurn([], user, settings([], { container: "c_old", send: async (params) => (plainBodies.push(params), message([{ type: "text", text: "ok" }], "end_turn")) }));
    assert.strictEqual(plainBodies[0].container, undefined);
  });

  it("runs tool rounds, answering all calls of a round in one message, and sums usage", async () => {
    const s = settings([message([{ type: "text", text: "Let me look." }, call("a"), call("b")], "tool_use"), message([{ type: "text", text: "Done." }], "end_turn", { input_tokens: 5, output_tokens: 2 })]);
    const result = await runTurn([], user, s);
    assert.strictEqual(result.text, "Let me look.\n\nDone.", "the text of every round, as it was streamed");
    assert.strictEqual(result.added.length, 4);
    assert.deepStrictEqual(result.added[2], {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "a", content: "done lights" },
        { type: "tool_result", tool_use_id: "b", content: "done lights" },
      ],
    });
    assert.strictEqual(result.toolCalls.length, 2);
    assert.deepStrictEqual(result.usage, { input_tokens: 6, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it("stops with a clear error after the max tool rounds", async () => {
    const s = settings([message([call("a")], "tool_use"), message([call("b")], "tool_use"), message([call("c")], "tool_use")]);
    await assert.rejects(runTurn([], user, s), (err: unknown) => err instanceof ClaudeError && err.key === "errors.max-rounds");
    assert.strictEqual(s.sent.length, 3);
  });

  it("continues a paused turn with the same messages, capped", async () => {
    const paused = message([{ type: "server_tool_use", id: "s", name: "web_search", input: {} }], "pause_turn");
    const s = settings([paused, message([{ type: "text", text: "ok" }], "end_turn")]);
    const result = await runTurn([], user, s);
    assert.strictEqual(result.text, "ok");
    assert.strictEqual(s.sent[1][1].role, "assistant");
    const again = settings([paused, paused]);
    await assert.rejects(runTurn([], user, again), (err: unknown) => err instanceof ClaudeError && err.key === "errors.paused-too-often");
  });

  it("drops a tool call cut off at max tokens, so the stored turn stays valid", async () => {
    const s = settings([message([{ type: "text", text: "Let me" }, call("a")], "max_tokens")]);
    const result = await runTurn([], user, s);
    assert.strictEqual(result.truncated, true);
    assert.deepStrictEqual(result.added[1], { role: "assistant", content: [{ type: "text", text: "Let me" }] });
  });

  it("does not change the history it was given", async () => {
    const history: MessageParam[] = [{ role: "user", content: "a" }, { role: "assistant", content: "b" }];
    const copy = JSON.parse(JSON.stringify(history));
    await runTurn(history, user, settings([message([{ type: "text", text: "c" }], "end_turn")]));
    assert.deepStrictEqual(history, copy);
  });
  it("names the stop reasons that end a turn without an answer, and only those", () => {
    const refusal = { ...message([], "refusal"), stop_details: { explanation: "not that" } } as unknown as Message;
    assert.deepStrictEqual([stopError(refusal)?.key, stopError(refusal)?.params], ["errors.refusal", { detail: "not that" }]);
    assert.strictEqual(stopError(message([], "model_context_window_exceeded"))?.key, "errors.context-window");
    for (const reason of ["end_turn", "tool_use", "max_tokens", "pause_turn"]) assert.strictEqual(stopError(message([], reason)), undefined, reason);
  });

  it("counts every kind of token of a turn", () => {
    assert.strictEqual(totalTokens({ input_tokens: 1, output_tokens: 20, cache_creation_input_tokens: 300, cache_read_input_tokens: 4000 }), 4321);
  });

  describe("making room when the prompt outgrows the context window", () => {
    const history: MessageParam[] = [
      { role: "user", content: "old question" },
      { role: "assistant", content: "old answer" },
      { role: "user", content: "recent question" },
      { role: "assistant", content: "recent answer" },
    ];
    const tooLong = () => new BadRequestError(400, { type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 210345 tokens > 200000 maximum" } }, undefined, new Headers());
    const shorter = (h: MessageParam[]) => h.slice(2);

    it("drops older turns and sends the request once more after a 'prompt is too long'", async () => {
      let calls = 0;
      const s = settings([message([{ type: "text", text: "Lights on." }], "end_turn")], { makeRoom: shorter });
      const send = s.send;
      s.send = async (params) => (++calls === 1 ? Promise.reject(tooLong()) : send(params));
      const result = await runTurn(history, user, s);
      assert.strictEqual(result.text, "Lights on.");
      assert.deepStrictEqual(result.history, history.slice(2));
      assert.deepStrictEqual(result.madeRoom, { dropped: 2 });
      assert.deepStrictEqual(s.sent[0], [...history.slice(2), user], "the retry went without the dropped turn");
    });

    it("retries a stop at model_context_window_exceeded in the middle of a tool round, keeping the round", async () => {
      const s = settings(
        [message([call("t1")], "tool_use"), message([{ type: "text", text: "cut" }], "model_context_window_exceeded"), message([{ type: "text", text: "Done." }], "end_turn")],
        { makeRoom: shorter },
      );
      const result = await runTurn(history, user, s);
      assert.strictEqual(result.text, "Done.");
      assert.strictEqual(result.toolCalls.length, 1, "the tool ran once, not again");
      assert.deepStrictEqual(result.added.map((m) => m.role), ["user", "assistant", "user", "assistant"]);
      assert.deepStrictEqual(s.sent[2].slice(0, 2), history.slice(2), "the retry keeps the recent turn");
      assert.deepStrictEqual(s.sent[2].slice(2), result.added.slice(0, 3), "and the whole tool round of this turn");
      assert.ok(!JSON.stringify(result.added).includes("cut"), "the cut answer is not kept");
    });

    it("makes room only once: a second overflow is the error", async () => {
      const s = settings([], { makeRoom: shorter });
      s.send = async () => Promise.reject(tooLong());
      await assert.rejects(runTurn(history, user, s), (err: any) => err instanceof BadRequestError);
    });

    it("gives up when there is nothing left to drop", async () => {
      let calls = 0;
      const s = settings([message([{ type: "text", text: "x" }], "model_context_window_exceeded")], { makeRoom: () => [] });
      const send = s.send;
      s.send = async (params) => (calls++, send(params));
      await assert.rejects(runTurn([], user, s), (err: any) => err instanceof ClaudeError && err.key === "errors.context-window");
      assert.strictEqual(calls, 1);
    });

    it("passes other errors on without retrying", async () => {
      let calls = 0;
      const s = settings([], { makeRoom: shorter });
      s.send = async () => {
        calls++;
        throw new BadRequestError(400, { type: "error", error: { type: "invalid_request_error", message: "messages: bad" } }, undefined, new Headers());
      };
      await assert.rejects(runTurn(history, user, s));
      assert.strictEqual(calls, 1);
    });
  });
});
