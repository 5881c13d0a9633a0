// Requests and answers as the API has them: cache breakpoints within its limit, text around server
// tools, the code execution container, streams without a stop reason, search_result blocks, and
// objects that are data rather than content blocks. All against the Anthropic stand-in.
import assert from "assert";
import { contextKey } from "../nodes/lib/conversation/memory";
import { SAMPLES } from "./support/samples";
import { AnthropicStandIn, toolResults } from "./standins/anthropic-standin";
import { chatWithToolFlow, loadChat, say, type ChatNodes } from "./support/chat";
import { ALL_NODES, KEY, account, helper, nextError, nextMessage, useStandIn } from "./support/nodes";

const catchNode = require("@node-red/nodes/core/common/25-catch.js");

/** Every cache_control in a request body: system, tools, message blocks, the top-level one. */
function cacheMarkers(body: any): number {
  const blocks = (list: any) => (Array.isArray(list) ? list : []);
  const messageBlocks = body.messages.flatMap((m: any) => blocks(m.content));
  return [...blocks(body.system), ...blocks(body.tools), ...messageBlocks].filter((b: any) => b.cache_control).length + (body.cache_control ? 1 : 0);
}

const marked = (text: string) => ({ type: "text", text, cache_control: { type: "ephemeral" } });

const SEARCH_RESULT = {
  type: "search_result",
  source: "https://wiki.example/heating",
  title: "Heating schedule",
  content: [{ type: "text", text: "The heating runs from 6:00 to 22:00." }],
  citations: { enabled: true },
};

const SEARCH_CITATION = {
  type: "search_result_location",
  source: "https://wiki.example/heating",
  title: "Heating schedule",
  cited_text: "The heating runs from 6:00 to 22:00.",
  search_result_index: 0,
  start_block_index: 0,
  end_block_index: 0,
};

describe("answers and content as the API has them", function () {
  const standIn = useStandIn();
  let api: AnthropicStandIn;
  beforeEach(() => {
    api = standIn();
  });

  describe("cache breakpoints", () => {
    it("never sends more than 4, however many marked blocks the history holds", async () => {
      const nodes = await loadChat(api, { instructions: "Be brief." });
      // Each turn adds a marked block to the history; with the system breakpoint and the automatic
      // one, the fourth turn would carry 5, which the API (and the stand-in) refuse.
      for (const [i, word] of ["one", "two", "three"].entries()) {
        const msg = await say(nodes, { payload: [marked(`Remember ${word}.`), "ok?"], conversation_id: "c" });
        assert.strictEqual(msg.payload, `You said: Remember ${word}. ok?`, `turn ${i + 1} answered`);
      }
      const last = await say(nodes, { payload: "What did I say?", conversation_id: "c" });
      assert.strictEqual(last.payload, "You said: What did I say?");
      const bodies = api.messageRequests.map((r) => r.body);
      for (const body of bodies) assert.ok(cacheMarkers(body) <= 4, `at most 4 breakpoints, got ${cacheMarkers(body)}`);
      // The newest marks stay (they cache the most); the oldest give way.
      const lastMessages = bodies[3].messages;
      assert.strictEqual(lastMessages[0].content[0].cache_control, undefined, "the oldest mark was dropped");
      assert.deepStrictEqual(lastMessages[4].content[0], marked("Remember three."), "the newest mark was kept");
      assert.ok(bodies[3].system[0].cache_control && bodies[3].cache_control, "system and automatic breakpoints stay");
    });

    it("the stand-in refuses a fifth breakpoint as the API does", async () => {
      const body = { model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: [1, 2, 3, 4, 5].map((n) => marked(`part ${n}`)) }] };
      const res = await fetch(`${api.url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.strictEqual(res.status, 400);
      assert.match((await res.json()).error.message, /A maximum of 4 blocks with cache_control may be provided\. Found 5\./);
    });
  });

  describe("text around server tools", () => {
    it("separates the text before and after a web search by a paragraph break", async () => {
      const nodes = await loadChat(api, {}, { webSearch: true });
      api.reply({
        content: [
          { type: "text", text: "Let me search." },
          { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather Paris" } },
          { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [{ type: "web_search_result", url: "https://w.example", title: "Weather", encrypted_content: "enc", page_age: null }] },
          { type: "text", text: "It is " },
          { type: "text", text: "sunny", citations: [{ type: "web_search_result_location", url: "https://w.example", title: "Weather", encrypted_index: "idx", cited_text: "sunny" }] },
          { type: "text", text: " in Paris." },
        ],
      });
      const msg = await say(nodes, { payload: "Weather in Paris?" });
      assert.strictEqual(msg.payload, "Let me search.\n\nIt is sunny in Paris.");
    });

    it("separates the text around code execution, and across a paused turn", async () => {
      const nodes = await loadChat(api, {}, { codeExecution: true });
      api.reply({
        content: [
          { type: "text", text: "I will compute it." },
          { type: "server_tool_use", id: "srvtoolu_2", name: "bash_code_execution", input: { command: "python -c 'print(6*7)'" } },
        ],
        stop_reason: "pause_turn",
      });
      api.reply({
        content: [
          { type: "bash_code_execution_tool_result", tool_use_id: "srvtoolu_2", content: { type: "bash_code_execution_result", stdout: "42\n", stderr: "", return_code: 0, content: [] } },
          { type: "text", text: "The answer is 42." },
        ],
      });
      const msg = await say(nodes, { payload: "6 times 7?" });
      assert.strictEqual(msg.payload, "I will compute it.\n\nThe answer is 42.");
    });
  });

  describe("code execution container", () => {
    const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

    it("sends the container of the last answer with the next turn of that conversation only", async () => {
      const nodes = await loadChat(api, {}, { codeExecution: true });
      api.reply({ content: [{ type: "text", text: "Saved data.csv." }], container: { id: "container_abc", expires_at: inHours(1) } });
      await say(nodes, { payload: "Save a file", conversation_id: "c1" });
      await say(nodes, { payload: "Read it back", conversation_id: "c1" });
      await say(nodes, { payload: "Other chat", conversation_id: "c2" });
      const [first, second, other] = api.messageRequests.map((r) => r.body);
      assert.strictEqual(first.container, undefined, "a new conversation has no container yet");
      assert.strictEqual(second.container, "container_abc");
      assert.strictEqual(other.container, undefined, "another conversation does not share it");
    });

    it("sends a container named mid-turn with the following rounds, and keeps a newer one", async () => {
      const nodes = await loadChat(api, {}, { codeExecution: true });
      api.reply({ content: [{ type: "server_tool_use", id: "srvtoolu_1", name: "bash_code_execution", input: { command: "ls" } }], stop_reason: "pause_turn", container: { id: "container_1", expires_at: inHours(1) } });
      api.reply({ content: [{ type: "text", text: "Done." }] });
      await say(nodes, { payload: "Work", conversation_id: "c1" });
      assert.strictEqual(api.messageRequests[1].body.container, "container_1");
      api.reply({ content: [{ type: "text", text: "New sandbox." }], container: { id: "container_2", expires_at: inHours(1) } });
      await say(nodes, { payload: "Again", conversation_id: "c1" });
      await say(nodes, { payload: "And again", conversation_id: "c1" });
      assert.strictEqual(api.messageRequests[2].body.container, "container_1");
      assert.strictEqual(api.messageRequests[3].body.container, "container_2");
    });

    it("stores the container with the conversation and forgets it once it has expired", async () => {
      const nodes = await loadChat(api, {}, { codeExecution: true });
      const container = { id: "container_old", expires_at: inHours(1) };
      api.reply({ content: [{ type: "text", text: "Saved." }], container });
      await say(nodes, { payload: "Save", conversation_id: "c1" });
      const context = nodes.chat.context();
      const stored = context.get(contextKey("c1"));
      assert.deepStrictEqual(stored.container, container);
      // Time passes: the API has dropped the container by now.
      context.set(contextKey("c1"), { ...stored, container: { ...container, expires_at: new Date(Date.now() - 1000).toISOString() } });
      await say(nodes, { payload: "Read", conversation_id: "c1" });
      assert.strictEqual(api.messageRequests[1].body.container, undefined);
      assert.strictEqual(api.messageRequests[1].body.messages.length, 3, "the history itself stays");
      assert.strictEqual(context.get(contextKey("c1")).container, undefined, "the expired container is not stored again");
    });
  });

  describe("a stream without a stop reason", () => {
    it("is an error through Catch, and the conversation stays as it was", async () => {
      const nodes = await loadChat(api);
      await say(nodes, { payload: "remember 7", conversation_id: "c1" });
      api.reply({ content: [{ type: "text", text: "Half an ans" }], omitMessageDelta: true });
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: "cut", conversation_id: "c1" });
      const { text, msg } = await failed;
      assert.match(text, /ended without saying why it stopped/);
      assert.strictEqual(msg.error.type, "incomplete_response");
      await say(nodes, { payload: "again", conversation_id: "c1" });
      const messages = api.messageRequests[2].body.messages;
      assert.deepStrictEqual(messages.map((m: any) => m.content), ["remember 7", [{ type: "text", text: "You said: remember 7" }], "again"]);
    });
  });

  describe("search_result blocks", () => {
    it("sends them from msg.payload, reports their citations and replays them", async () => {
      const nodes = await loadChat(api);
      const answer = { type: "text", text: "From 6:00 to 22:00.", citations: [SEARCH_CITATION] };
      api.reply({ content: [answer] });
      const msg = await say(nodes, { payload: [SEARCH_RESULT, "When does the heating run?"], conversation_id: "h" });
      assert.deepStrictEqual(api.messageRequests[0].body.messages[0].content, [SEARCH_RESULT, { type: "text", text: "When does the heating run?" }]);
      assert.deepStrictEqual(msg.claude.citations, [SEARCH_CITATION]);
      await say(nodes, { payload: "Thanks", conversation_id: "h" });
      assert.deepStrictEqual(api.messageRequests[1].body.messages.slice(0, 2), [
        { role: "user", content: [SEARCH_RESULT, { type: "text", text: "When does the heating run?" }] },
        { role: "assistant", content: [answer] },
      ]);
    });

    it("sends a tool result node's search_result blocks as blocks", async () => {
      await helper.load(
        ALL_NODES,
        chatWithToolFlow(api.url, { name: "search_wiki", description: "Search the house wiki" }),
        { account: { apiKey: KEY } },
      );
      const calls = helper.getNode("calls");
      calls.on("input", (msg: any) => helper.getNode("result").receive({ ...msg, payload: [SEARCH_RESULT] }));
      api.reply({ content: [{ type: "tool_use", id: "toolu_1", name: "search_wiki", input: { query: "heating" } }] });
      api.reply({ content: [{ type: "text", text: "6 to 22.", citations: [SEARCH_CITATION] }] });
      const done = nextMessage(helper.getNode("out"));
      helper.getNode("chat").receive({ payload: "Heating hours?", conversation_id: "w" });
      const msg = await done;
      assert.strictEqual(msg.payload, "6 to 22.");
      assert.deepStrictEqual(toolResults(api.messageRequests[1].body), [{ type: "tool_result", tool_use_id: "toolu_1", content: [SEARCH_RESULT] }]);
    });
  });

  describe("objects that are data, not content blocks", () => {
    let nodes: ChatNodes;
    beforeEach(async () => {
      nodes = await loadChat(api);
    });

    it("sends a Home Assistant event with a string `type` as JSON text", async () => {
      const event = { type: "state_changed", entity_id: "binary_sensor.door", old_state: "off", new_state: "on" };
      await say(nodes, { payload: event });
      assert.strictEqual(api.messageRequests[0].body.messages[0].content, JSON.stringify(event));
    });

    it("sends a list of events as JSON text, but a list with a content block as blocks", async () => {
      const events = [{ type: "state_changed", entity_id: "light.a" }, { type: "call_service", domain: "light" }];
      await say(nodes, { payload: events });
      assert.strictEqual(api.messageRequests[0].body.messages[0].content, JSON.stringify(events));
      const failed = nextError(nodes.chat);
      nodes.chat.receive({ payload: [{ type: "text", text: "Look:" }, events[0]] });
      assert.match((await failed).text, /Content block 1 has type "state_changed"/);
    });
  });

  describe("generate data with only an attachment", () => {
    it("sends the attachment as the task instead of refusing it", async () => {
      await helper.load(
        [...ALL_NODES, catchNode],
        [
          { id: "tab", type: "tab", label: "test" },
          account(api.url),
          { id: "gen", type: "claude-generate-data", z: "tab", config: "account", schema: JSON.stringify({ type: "object", properties: { cars: { type: "integer" } }, required: ["cars"] }), wires: [["out"]] },
          { id: "out", type: "helper", z: "tab" },
        ],
        { account: { apiKey: KEY } },
      );
      api.reply({ content: [{ type: "text", text: '{"cars":2}' }] });
      const answer = nextMessage(helper.getNode("out"));
      helper.getNode("gen").receive({ payload: "", attachments: [SAMPLES.jpeg] });
      const msg = await answer;
      assert.deepStrictEqual(msg.payload, { cars: 2 });
      assert.deepStrictEqual(api.messageRequests[0].body.messages[0].content, [{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: SAMPLES.jpeg.toString("base64") } }]);
    });
  });
});
