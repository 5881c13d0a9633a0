// Faults of the API and the network, against the stand-in: each gets its retry or a clear error,
// the flow keeps running, the next message works, and the history is exactly as before the failed turn.
import assert from "assert";
import type { AnthropicStandIn, Reply } from "./standins/anthropic-standin";
import { loadChat, say, type ChatNodes } from "./support/chat";
import { KEY, nextError, useStandIn } from "./support/nodes";

interface Fault {
  name: string;
  /** Account settings for this case. */
  account?: Record<string, unknown>;
  /** What the stand-in answers to the failing turn, in order. */
  replies: Reply[];
  /** A clear error (its text), or undefined when the retry should succeed. */
  error?: RegExp;
  /** msg.error.type and .status of that error. */
  type?: string;
  status?: number;
  /** Requests the failing turn makes (the retries). */
  requests: number;
}

const overloaded = { type: "overloaded_error", message: "Overloaded" };
const FAULTS: Fault[] = [
  { name: "429 with retry-after, then success", account: { retries: 2 }, replies: [{ status: 429, error: { type: "rate_limit_error", message: "slow down" }, headers: { "retry-after": "1" } }], requests: 2 },
  { name: "429 without retry-after, then success", account: { retries: 2 }, replies: [{ status: 429, error: { type: "rate_limit_error", message: "slow down" } }], requests: 2 },
  {
    name: "429 until retries run out",
    account: { retries: 1 },
    replies: [0, 1].map(() => ({ status: 429, error: { type: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit" }, headers: { "retry-after-ms": "10" } })),
    error: /Claude is rate-limited for this account \(429\), even after retries: Number of request tokens has exceeded your per-minute rate limit/,
    type: "rate_limit_error",
    status: 429,
    requests: 2,
  },
  { name: "529 overloaded, then success", account: { retries: 2 }, replies: [{ status: 529, error: overloaded, headers: { "retry-after-ms": "10" } }], requests: 2 },
  {
    name: "529 until retries run out",
    account: { retries: 2 },
    replies: [0, 1, 2].map(() => ({ status: 529, error: overloaded, headers: { "retry-after-ms": "10" } })),
    error: /Claude is overloaded right now \(529\), even after retries/,
    type: "overloaded_error",
    status: 529,
    requests: 3,
  },
  { name: "500, then success", account: { retries: 2 }, replies: [{ status: 500, error: { type: "api_error", message: "Internal server error" }, headers: { "retry-after-ms": "10" } }], requests: 2 },
  {
    name: "500 until retries run out",
    account: { retries: 1 },
    replies: [0, 1].map(() => ({ status: 500, error: { type: "api_error", message: "Internal server error" }, headers: { "retry-after-ms": "10" } })),
    error: /The Claude API failed \(500\), even after retries: Internal server error/,
    type: "api_error",
    status: 500,
    requests: 2,
  },
  {
    name: "400 invalid request, not retried",
    account: { retries: 2 },
    replies: [{ status: 400, error: { type: "invalid_request_error", message: "messages.0.content: field required" } }],
    error: /The Claude API rejected the request \(400\): messages\.0\.content: field required/,
    type: "invalid_request_error",
    status: 400,
    requests: 1,
  },
  {
    name: "401 key refused, not retried",
    account: { retries: 2 },
    replies: [{ status: 401, error: { type: "authentication_error", message: "invalid x-api-key" } }],
    error: /The API key was refused \(401\)\. Check the key in the Claude account node or the ANTHROPIC_API_KEY environment variable/,
    type: "authentication_error",
    status: 401,
    requests: 1,
  },
  {
    name: "403 not allowed, not retried",
    account: { retries: 2 },
    replies: [{ status: 403, error: { type: "permission_error", message: "Your API key does not have permission to use the specified resource." } }],
    error: /The API key may not do this \(403\): Your API key does not have permission/,
    type: "permission_error",
    status: 403,
    requests: 1,
  },
  {
    name: "404 retired model, naming the model and the setting",
    account: { retries: 2 },
    replies: [{ status: 404, error: { type: "not_found_error", message: "model: claude-3-opus-20240229" } }],
    error: /The model "claude-3-opus-20240229" does not exist or has been retired \(404\)\. Choose another model in the Claude account node \("Model"\), or in msg\.model/,
    type: "not_found_error",
    status: 404,
    requests: 1,
  },
  {
    name: "413 request too large",
    account: { retries: 2 },
    replies: [{ status: 413, error: { type: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." } }],
    error: /The request is too large for the Claude API \(413\)/,
    type: "request_too_large",
    status: 413,
    requests: 1,
  },
  {
    // The node makes room once (dropping the older turns) and sends again; a second refusal is the error.
    name: "400 prompt too long, also after making room",
    account: { retries: 2 },
    replies: [
      { status: 400, error: { type: "invalid_request_error", message: "prompt is too long: 210345 tokens > 200000 maximum" } },
      { status: 400, error: { type: "invalid_request_error", message: "prompt is too long: 210345 tokens > 200000 maximum" } },
    ],
    error: /does not fit in the model's context window \(prompt is too long: 210345 tokens > 200000 maximum\)\. Send less text, reset the conversation/,
    type: "invalid_request_error",
    status: 400,
    requests: 2,
  },
  {
    name: "no answer within the account timeout",
    account: { retries: 0, timeout: 0.3 },
    replies: [{ content: [{ type: "text", text: "too late" }], delayMs: 5000 }],
    error: /Claude did not answer in time\. Raise "Timeout" in the Claude account/,
    type: "timeout",
    requests: 1,
  },
  { name: "a timeout, then success on the retry", account: { retries: 1, timeout: 0.3 }, replies: [{ content: [{ type: "text", text: "too late" }], delayMs: 5000 }], requests: 2 },
  {
    name: "a stream cut mid-message",
    account: { retries: 2 },
    replies: [{ content: [{ type: "text", text: "a long answer that will be cut in the middle" }], cutAfterEvents: 4 }],
    error: /The connection dropped while Claude was answering; nothing was stored\. Try again/,
    type: "stream_error",
    requests: 1,
  },
  {
    name: "a stream that stalls mid-message (the account timeout ends it)",
    account: { retries: 2, timeout: 0.5 },
    replies: [{ content: [{ type: "text", text: "an answer that stops arriving half way" }], stallAfterEvents: 4, delayMs: 60_000 }],
    error: /Claude's answer stopped arriving: nothing came for 0\.5 s, so the request was ended and nothing was stored/,
    type: "timeout",
    requests: 1,
  },
  {
    name: "invalid JSON inside the event stream",
    account: { retries: 2 },
    replies: [{ rawBody: "event: message_start\ndata: {\"type\": \"message_start\", \"message\": {\n\n", headers: { "content-type": "text/event-stream" } }],
    error: /The Claude API sent an answer that could not be read \(invalid JSON\)/,
    type: "invalid_response",
    requests: 1,
  },
  {
    name: "a 200 that is not an event stream (a proxy's page)",
    account: { retries: 2 },
    replies: [{ rawBody: "<html><body>Welcome to the captive portal</body></html>", headers: { "content-type": "text/html" } }],
    error: /The Claude API answered without any content \(no event stream\)\. If the account's base URL points to a proxy, check it/,
    type: "invalid_response",
    requests: 1,
  },
  {
    name: "invalid JSON in an error answer (a proxy's 502 page), retried then reported",
    account: { retries: 1 },
    replies: [0, 1].map(() => ({ status: 502, rawBody: "<html>Bad Gateway</html>", headers: { "content-type": "text/html", "retry-after-ms": "10" } })),
    error: /The Claude API failed \(502\), even after retries/,
    status: 502,
    requests: 2,
  },
  { name: "an overloaded_error event inside a 200 stream, retried once by the node", account: { retries: 2 }, replies: [{ content: [{ type: "text", text: "partial answer" }], errorEventAfter: 4 }], requests: 2 },
  { name: "an api_error event inside a 200 stream, retried once by the node", account: { retries: 2 }, replies: [{ content: [{ type: "text", text: "partial answer" }], errorEventAfter: 4, errorEvent: { type: "api_error", message: "Internal server error" } }], requests: 2 },
  {
    name: "overloaded_error events until the node's retry is spent",
    account: { retries: 2 },
    replies: [0, 1].map(() => ({ content: [{ type: "text", text: "partial answer" }], errorEventAfter: 4 })),
    error: /Claude is overloaded right now/,
    type: "overloaded_error",
    requests: 2,
  },
  {
    name: "an overloaded_error event with retries switched off",
    account: { retries: 0 },
    replies: [{ content: [{ type: "text", text: "partial answer" }], errorEventAfter: 4 }],
    error: /Claude is overloaded right now/,
    type: "overloaded_error",
    requests: 1,
  },
  {
    name: "an invalid_request_error event inside a 200 stream, not retried",
    account: { retries: 2 },
    replies: [{ content: [{ type: "text", text: "partial answer" }], errorEventAfter: 4, errorEvent: { type: "invalid_request_error", message: "something was wrong" } }],
    error: /Claude's answer failed part-way: something was wrong/,
    type: "invalid_request_error",
    requests: 1,
  },
];

describe("faults", function () {
  this.timeout(30_000);
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
  });

  for (const fault of FAULTS) {
    it(fault.name, async () => {
      const nodes: ChatNodes = await loadChat(api, {}, fault.account);
      await say(nodes, { payload: "remember 42", conversation_id: "c1" });
      const before = api.messageRequests.length;
      const stored = nodes.chat.context().get("conversation_c1");
      api.reply(...fault.replies);

      if (fault.error) {
        const failed = nextError(nodes.chat);
        nodes.chat.receive({ payload: "this turn fails", conversation_id: "c1" });
        const { text, msg } = await failed;
        assert.match(text, fault.error);
        assert.strictEqual(msg.error.message, text);
        if (fault.type) assert.strictEqual(msg.error.type, fault.type);
        if (fault.status) assert.strictEqual(msg.error.status, fault.status);
        assert.ok(!JSON.stringify(msg).includes(KEY), "the key is not in the message");
        const status = nodes.chat.status.lastCall.args[0];
        assert.strictEqual(status.fill, "red", "the status shows the failure");
        assert.deepStrictEqual(nodes.chat.context().get("conversation_c1"), stored, "the stored history is exactly as before");
      } else {
        const ok = await say(nodes, { payload: "this turn is retried", conversation_id: "c1" });
        assert.match(ok.payload, /You said: this turn is retried/);
      }
      assert.strictEqual(api.messageRequests.length - before, fault.requests, "requests made by the turn");

      // The flow keeps running: the next message works and sees exactly the history it should.
      const next = await say(nodes, { payload: "what number?", conversation_id: "c1" });
      assert.strictEqual(next.payload, "You said: what number?");
      assert.strictEqual(nodes.chat.status.lastCall.args[0].fill, "green");
      const sent = api.messageRequests[api.messageRequests.length - 1].body.messages;
      const expected = fault.error
        ? [{ role: "user", content: "remember 42" }, { role: "assistant", content: [{ type: "text", text: "You said: remember 42" }] }, { role: "user", content: "what number?" }]
        : [
            { role: "user", content: "remember 42" },
            { role: "assistant", content: [{ type: "text", text: "You said: remember 42" }] },
            { role: "user", content: "this turn is retried" },
            { role: "assistant", content: [{ type: "text", text: "You said: this turn is retried" }] },
            { role: "user", content: "what number?" },
          ];
      assert.deepStrictEqual(sent, expected);
    });
  }

  it("lets an answer stream longer than the timeout while its events keep coming", async () => {
    // 1 s without an event ends a stream; this answer takes about 2 s, an event every 100 ms.
    const nodes = await loadChat(api, {}, { timeout: 1 });
    const text = "a long answer that keeps arriving, piece by piece, for much longer than the timeout; ".repeat(2).trim();
    api.reply({ content: [{ type: "text", text }], eventGapMs: 100 });
    const started = Date.now();
    let cutOff!: (call: any) => void;
    const failed = new Promise<never>((_resolve, reject) => (cutOff = (call) => reject(new Error(`the answer was cut off: ${call.args[0]}`))));
    nodes.chat.once("call:error", cutOff);
    const msg = await Promise.race([say(nodes, { payload: "Tell me everything", conversation_id: "slow" }), failed]);
    nodes.chat.off("call:error", cutOff);
    assert.ok(Date.now() - started > 1000, "the answer did take longer than the timeout");
    assert.strictEqual(msg.payload, text);
    assert.strictEqual(await api.messageRequests[0].settled, "finished");
  });

  it("ends a stalled stream's connection (nothing is left open)", async () => {
    const nodes = await loadChat(api, {}, { timeout: 0.5 });
    api.reply({ content: [{ type: "text", text: "an answer that stops" }], stallAfterEvents: 3, delayMs: 60_000 });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "Hi" });
    await failed;
    assert.strictEqual(await api.messageRequests[0].settled, "aborted", "the client closed the stalled response");
  });

  it("a turn with a tool round keeps its tool results out of the history when the second request fails", async () => {
    // The failure comes after Claude asked for a (missing) tool: nothing of the turn may be stored.
    const nodes = await loadChat(api, { toolMode: "none" });
    await say(nodes, { payload: "remember 42", conversation_id: "c1" });
    const stored = nodes.chat.context().get("conversation_c1");
    api.reply({ content: [{ type: "tool_use", id: "toolu_1", name: "lights", input: {} }] }, { status: 400, error: { type: "invalid_request_error", message: "bad" } });
    const failed = nextError(nodes.chat);
    nodes.chat.receive({ payload: "turn the lights on", conversation_id: "c1" });
    await failed;
    assert.strictEqual(api.messageRequests.length, 3);
    assert.deepStrictEqual(nodes.chat.context().get("conversation_c1"), stored);
  });

  it("stores an empty answer after a tool round so the next turn is still valid", async () => {
    // Claude may end a turn with no content at all; an empty assistant message would make every later request a 400.
    const nodes = await loadChat(api, { toolMode: "none" });
    api.reply({ content: [{ type: "tool_use", id: "toolu_1", name: "lights", input: {} }] }, { content: [], stop_reason: "end_turn" });
    const first = await say(nodes, { payload: "lights on", conversation_id: "c1" });
    assert.strictEqual(first.payload, "");
    await say(nodes, { payload: "and now?", conversation_id: "c1" });
    const messages = api.messageRequests[2].body.messages;
    for (const m of messages) {
      assert.ok(typeof m.content === "string" ? m.content.trim() : m.content.length, `message has content: ${JSON.stringify(m)}`);
      if (Array.isArray(m.content)) for (const b of m.content) if (b.type === "text") assert.ok(b.text.trim(), "no blank text blocks");
    }
    assert.deepStrictEqual(messages[3], { role: "assistant", content: [{ type: "text", text: "(no answer)" }] });
  });
});
