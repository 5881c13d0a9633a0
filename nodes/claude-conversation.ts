// "Claude conversation": a turn of a conversation with memory per conversation id, running the
// tool loop. A thin adapter: the rules live in lib/.
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { Account } from "./lib/api/account";
import { withoutThinking } from "./lib/conversation/history";
import { KeyedQueue } from "./lib/conversation/keyed-queue";
import { ConversationMemory, type ContextLike } from "./lib/conversation/memory";
import { applyOverrides, type MessageOverrides } from "./lib/api/options";
import { buildRequest } from "./lib/api/request";
import { ToolSet } from "./lib/tools/tool-set";
import { withToolSearch } from "./lib/tools/tool-search";
import { conversationIdFrom, isBlank, toUserContent } from "./lib/content/content";
import { editorNumber } from "./lib/api/editor-values";
import { CONVERSATION_DEFAULTS, HISTORY_MODES } from "./lib/defaults";
import type { HistoryMode } from "./lib/api/context-editing";
import { afterCompaction, summariesAsText } from "./lib/conversation/compaction";
import { contextReport, planHistory } from "./runtime/history-mode";
import { ClaudeError } from "./lib/errors";
import { runTurn, type TurnResult } from "./lib/conversation/turn";
import { totalTokens } from "./lib/api/usage";
import { dropOlderHalf, fixedWeightOf, measuredTokens, tokenCap } from "./lib/conversation/token-cap";
import { checkTemplate, instructionsFor } from "./runtime/instructions";
import { handleInput, type Msg } from "./runtime/input";
import { t, translate } from "./runtime/messages";
import { fitOptions } from "./runtime/model-fit";
import { warnOnce } from "./runtime/warn-once";
import { writingStatus } from "./runtime/progress";
import { warnIfNotDurable } from "./runtime/store-warning";
import { StreamOutput, type TurnStream } from "./runtime/stream-output";
import { SharedConversationWatch } from "./lib/conversation/shared-conversation";
import { toolSources } from "./runtime/tool-sources";
import type { ClaudeMcpNode } from "./runtime/mcp-node";
import { memoryToolFor, type LongTermMemory } from "./runtime/memory-tool";

interface ConversationDef extends NodeDef {
  config: string;
  instructions?: string;
  input?: string;
  inputType?: string;
  conversationId?: string;
  conversationIdType?: string;
  store?: string;
  idleMinutes?: string | number;
  maxMessages?: string | number;
  maxHistoryTokens?: string | number;
  /** When the history is full: drop old turns, or let the API summarise them or clear old tool results. */
  historyMode?: string;
  memoryTool?: boolean;
  maxRounds?: string | number;
  toolMode?: "all" | "none" | "selected";
  tools?: string[];
  stream?: boolean;
  streamInterval?: string | number;
  /** Ids of MCP server nodes whose tools are offered beside the tool nodes. */
  mcp?: string[];
  /** More tools than this are offered through tool search (0: never). */
  toolSearch?: string | number;
}

const MAX_CONTINUATIONS = 5;
const SWEEP_MS = 60_000;

export = function (RED: NodeAPI) {
  function ClaudeConversation(this: Node, def: ConversationDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const queue = new KeyedQueue();
    // Fractions of a minute are kept (0.5 is 30 seconds, not "never").
    const idleMinutes = editorNumber(def.idleMinutes, CONVERSATION_DEFAULTS.idleMinutes);
    const historyMode: HistoryMode = (HISTORY_MODES as readonly string[]).includes(def.historyMode ?? "") ? (def.historyMode as HistoryMode) : CONVERSATION_DEFAULTS.historyMode;
    const memory = new ConversationMemory(node.context() as unknown as ContextLike, {
      store: def.store || undefined,
      idleMinutes,
      // Summaries keep a compacted history within its tokens; counting messages would drop what they summarise.
      maxMessages: historyMode === "compact" ? 0 : editorNumber(def.maxMessages, CONVERSATION_DEFAULTS.maxMessages, { whole: true }),
    });
    const toolTexts = {
      unknownTool: (name: string, known: string[]) => t(RED, "errors.unknown-tool", { name, known: known.join(", ") || "-" }),
      failed: (name: string) => t(RED, "errors.tool-failed", { name }),
    };
    const maxHistoryTokens = editorNumber(def.maxHistoryTokens, CONVERSATION_DEFAULTS.maxHistoryTokens, { whole: true });
    const maxRounds = editorNumber(def.maxRounds, CONVERSATION_DEFAULTS.maxRounds, { whole: true, positive: true }) || CONVERSATION_DEFAULTS.maxRounds;
    const toolSearchAbove = editorNumber(def.toolSearch, CONVERSATION_DEFAULTS.toolSearch, { whole: true });
    checkTemplate(RED, node, def.instructions ?? "");
    warnIfNotDurable(RED, node, "conversations", def.store);
    const longTerm: LongTermMemory | undefined = def.memoryTool === true ? memoryToolFor(node, def.store) : undefined;
    // The second output, when "stream" is ticked: the text as Claude writes it.
    const streamOutput = StreamOutput.of(RED, def);
    const shared = new SharedConversationWatch();

    // Every minute, or as often as the idle time when that is shorter (at most once a second).
    const sweepMs = idleMinutes > 0 ? Math.max(1000, Math.min(SWEEP_MS, idleMinutes * 60_000)) : SWEEP_MS;
    const sweeper = setInterval(() => memory.sweep().catch(() => undefined), sweepMs);
    sweeper.unref();

    // MCP servers are configuration nodes, chosen by id beside the tool nodes.
    const mcpServers = (def.mcp ?? []).filter(Boolean);

    /** Says once per server when an MCP server node this conversation uses offers no tools at all (its setup failed, or it is gone). */
    function warnUnavailableServers(): void {
      for (const id of mcpServers) {
        if (toolSources.has(id)) continue;
        warnOnce(node, `warnings.mcp-server-unavailable ${id}`, () => {
          const server = RED.nodes.getNode(id) as ClaudeMcpNode | null;
          const detail = server?.problem ?? t(RED, "warnings.mcp-server-gone");
          return t(RED, "warnings.mcp-server-unavailable", { server: server?.name || id, detail });
        });
      }
    }

    /** The tools of this turn, from the sources this conversation may use (by default the tool nodes on its tab). */
    function gatherTools(secret: readonly string[], signal: AbortSignal): Promise<ToolSet> {
      warnUnavailableServers();
      const sources = [
        ...(longTerm ? [longTerm.source] : []),
        ...toolSources.select({ mode: def.toolMode, ids: def.tools, z: def.z }),
        ...toolSources.select({ mode: "selected", ids: mcpServers }),
      ];
      return ToolSet.gather(sources, toolTexts, signal, secret);
    }

    /** The turn's tokens; with a daily limit also today's count, as config nodes have no status of their own. */
    function doneStatus(reset: boolean, tokens: number, guard: Account["guard"]): string {
      const text = t(RED, reset ? "status.done-reset" : "status.done", { tokens });
      const max = guard.limits.maxDailyTokens;
      return max > 0 ? `${text} · ${t(RED, "status.today", { today: guard.today.tokens, max })}` : text;
    }

    async function converse(account: Account, msg: Msg, id: string, content: MessageParam["content"], reset: boolean, signal: AbortSignal, partials?: TurnStream): Promise<TurnResult> {
      if (reset) await memory.clear(id);
      const requested = applyOverrides(account.options, msg as MessageOverrides);
      const entry = await account.modelEntry(requested.model);
      const options = fitOptions(RED, node, requested, entry);
      const loaded = await memory.load(id);
      if (loaded.discarded) node.warn(t(RED, "warnings.history-reset", { id, problem: loaded.discarded }));
      const cap = tokenCap(maxHistoryTokens, entry?.max_input_tokens);
      const plan = planHistory(RED, node, historyMode, cap, options, entry);
      const compacting = plan.edits.some((edit) => edit.type === "compact_20260112");
      const kept = loaded.model && loaded.model !== options.model ? withoutThinking(loaded.messages) : loaded.messages;
      // A summary made earlier stays in the conversation as text when this request does not compact.
      const history = compacting ? kept : summariesAsText(kept);
      const tools = await gatherTools(account.secrets, signal);
      const system = [instructionsFor(RED, node, def.instructions ?? "", msg, account.secrets), ...tools.instructions].filter((s) => s.trim()).join("\n\n");
      const capabilities = entry?.capabilities;
      const offered = withToolSearch(tools.definitions, options.model, toolSearchAbove);
      const budget = account.guard.startTurn();
      const onText = writingStatus(RED, node);

      const result = await runTurn(history, { role: "user", content }, {
        request: (messages) => buildRequest(options, { system, messages, tools: offered, contextEdits: plan.edits }, capabilities),
        send: (params) =>
          account.createMessage(params, { signal, turn: budget, onText, ...partials?.hooks }),
        runTools: (calls) => {
          budget.startToolRound();
          node.status({ fill: "blue", shape: "ring", text: t(RED, "status.tool", { name: calls.map((c) => c.name).join(", ") }) });
          return tools.run(calls, { conversationId: id, msg }, signal);
        },
        maxRounds,
        maxContinuations: MAX_CONTINUATIONS,
        signal: signal,
        container: loaded.container?.id,
        onRequest: () => node.status({ fill: "blue", shape: "dot", text: t(RED, "status.waiting") }),
        // An answer whose text has already left the stream output is not taken back by sending it again.
        makeRoom: (kept, answered) => (answered && partials?.hooks.beforeRetry?.() === false ? kept : dropOlderHalf(kept)),
      });
      // A turn that ends after the node was stopped is never delivered, so it is not stored either.
      if (signal.aborted) throw new ClaudeError("errors.aborted", {}, "aborted");
      if (result.madeRoom) node.warn(t(RED, "warnings.made-room", { id, dropped: result.madeRoom.dropped }));
      // When the API summarises or clears at the cap, dropping turns is left for when what Claude reads outgrows the window's share.
      const trimAt = plan.edits.length ? tokenCap(0, entry?.max_input_tokens) : cap;
      const measure = { tokens: measuredTokens(result.final.usage), cap: trimAt, fixedWeight: fixedWeightOf(system, tools.definitions) };
      // The summaries stay blocks in the store, also after a turn that read them as text (unless room had to be made).
      const base = result.history === history ? kept : result.history;
      const stored = afterCompaction([...base, ...result.added]);
      await memory.save(id, stored, options.model, options.caching === "conversation", result.container ?? loaded.container, measure);
      return result;
    }

    handleInput(RED, node, def, {
      inputs: { id: ["conversationId", "conversation_id"], input: ["input", "payload"] },
      run: async ({ msg, account, inputs, signal, send }) => {
        // Without an id, one conversation per node (a flow serving several people gives each an id).
        let id = conversationIdFrom(inputs.id);
        if (id === undefined) {
          id = node.id;
          if (shared.mixed(msg)) node.warn(t(RED, "warnings.shared-conversation"));
        }
        const reset = msg.reset === true;
        msg.conversation_id = id;
        longTerm?.idOf(msg);
        if (msg.memory_reset === true) await longTerm?.forget(msg);
        if ((reset || msg.memory_reset === true) && isBlank(inputs.input)) {
          if (reset) await queue.run(id, () => memory.clear(id));
          return { status: { fill: "grey", shape: "ring", text: t(RED, "status.cleared") }, send: false };
        }
        const content = toUserContent(inputs.input);
        const partials = streamOutput?.start(msg, send);
        const result = await queue.run(id, () => converse(account, msg, id, content, reset, signal, partials)).catch((err) => {
          // The stream ends saying why; the skeleton still ends the message with done(err).
          const failure = translate(RED, err, account.secrets);
          if (signal.aborted || failure.type === "aborted") partials?.stop();
          else partials?.fail(failure.text);
          throw err;
        });
        if (result.truncated) node.warn(t(RED, "warnings.max-tokens", { maxTokens: result.final.usage?.output_tokens ?? "" }));
        msg.payload = result.text;
        msg.claude = {
          model: result.final.model,
          stop_reason: result.stopReason,
          usage: result.usage,
          content: result.content,
          thinking: result.thinking,
          citations: result.citations,
          tool_calls: result.toolCalls,
          ...(historyMode !== "trim" ? { context_management: contextReport(result) } : {}),
        };
        partials?.finish();
        return {
          status: { fill: "green", shape: "dot", text: doneStatus(reset, totalTokens(result.usage), account.guard) },
          ...(streamOutput ? { outputs: streamOutput.final(msg) } : {}),
        };
      },
      close: () => {
        streamOutput?.close();
        clearInterval(sweeper);
      },
    });
  }

  RED.nodes.registerType("claude-conversation", ClaudeConversation as any);
};
