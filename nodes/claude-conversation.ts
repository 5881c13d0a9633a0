// "Claude conversation": a turn of a conversation with memory per conversation id, running the
// tool loop. A thin adapter: the rules live in lib/.
import { randomUUID } from "crypto";
import { setMaxListeners } from "events";
import type { MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import type { Account } from "./lib/api/account";
import { withoutThinking } from "./lib/conversation/history";
import { KeyedQueue } from "./lib/conversation/keyed-queue";
import { ConversationMemory, type ContextLike } from "./lib/conversation/memory";
import { applyOverrides, type MessageOverrides } from "./lib/api/options";
import { buildRequest } from "./lib/api/request";
import { runToolCalls, type ToolProvider } from "./lib/tools/tools";
import { conversationIdFrom, isBlank, toUserContent } from "./lib/content/content";
import { editorNumber } from "./lib/api/editor-values";
import { ClaudeNodeError } from "./lib/errors";
import { runTurn, totalTokens, type TurnResult } from "./lib/conversation/turn";
import { accountOf } from "./runtime/account-node";
import { checkTemplate, instructionsFor } from "./runtime/instructions";
import { evaluate, reportError, t } from "./runtime/messages";
import { writingStatus } from "./runtime/progress";
import { warnIfNotDurable } from "./runtime/store-warning";

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
  maxRounds?: string | number;
  toolMode?: "all" | "none" | "selected";
  tools?: string[];
}

type Msg = NodeMessage & Record<string, any>;

const MAX_CONTINUATIONS = 5;
const SWEEP_MS = 60_000;

export = function (RED: NodeAPI) {
  function ClaudeConversation(this: Node, def: ConversationDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const queue = new KeyedQueue();
    const lifetime = new AbortController();
    // Every request in flight listens for the node closing; many at once are normal, not a leak.
    setMaxListeners(0, lifetime.signal);
    // Fractions of a minute are kept (0.5 is 30 seconds, not "never").
    const idleMinutes = editorNumber(def.idleMinutes, 30);
    const memory = new ConversationMemory(node.context() as unknown as ContextLike, {
      store: def.store || undefined,
      idleMinutes,
      maxMessages: editorNumber(def.maxMessages, 40, { whole: true }),
    });
    const maxRounds = editorNumber(def.maxRounds, 10, { whole: true, positive: true }) || 10;
    checkTemplate(RED, node, def.instructions ?? "");
    warnIfNotDurable(RED, node, "conversations", def.store);

    // Every minute, or as often as the idle time when that is shorter (at most once a second).
    const sweepMs = idleMinutes > 0 ? Math.max(1000, Math.min(SWEEP_MS, idleMinutes * 60_000)) : SWEEP_MS;
    const sweeper = setInterval(() => memory.sweep().catch(() => undefined), sweepMs);
    sweeper.unref();

    /** The tool nodes this conversation may use: by default every tool node on its own tab. */
    function tools(): ToolProvider[] {
      if (def.toolMode === "none") return [];
      const selected = new Set(def.tools ?? []);
      const found: ToolProvider[] = [];
      RED.nodes.eachNode((n: any) => {
        if (n.type !== "claude-tool") return;
        if (def.toolMode === "selected" ? !selected.has(n.id) : n.z !== def.z) return;
        const live = RED.nodes.getNode(n.id) as unknown as ToolProvider | null;
        if (live && typeof live.definition === "function") found.push(live);
      });
      // The API rejects a request with two tools of one name; say which, before asking.
      const names = new Set<string>();
      for (const p of found) {
        if (names.has(p.toolName)) throw new ClaudeNodeError("errors.duplicate-tool", { name: p.toolName }, "invalid_config");
        names.add(p.toolName);
      }
      return found;
    }

    async function converse(account: Account, msg: Msg, id: string, content: MessageParam["content"], reset: boolean): Promise<TurnResult> {
      if (reset) await memory.clear(id);
      const options = applyOverrides(account.options, msg as MessageOverrides);
      const loaded = await memory.load(id);
      if (loaded.discarded) node.warn(t(RED, "warnings.history-reset", { id, problem: loaded.discarded }));
      const history = loaded.model && loaded.model !== options.model ? withoutThinking(loaded.messages) : loaded.messages;
      const system = instructionsFor(RED, node, def.instructions ?? "", msg, account.apiKey);
      const providers = tools();
      const definitions = providers.map((p) => p.definition());
      const facts = await account.modelFacts(options.model);
      const budget = account.guard.startTurn();
      const onText = writingStatus(RED, node);

      const result = await runTurn(history, { role: "user", content }, {
        request: (messages) => buildRequest(options, { system, messages, tools: definitions }, facts),
        send: (params) =>
          account.stream(params, { signal: lifetime.signal, turn: budget, onText }),
        runTools: (calls, signal) => {
          budget.startToolRound();
          node.status({ fill: "blue", shape: "ring", text: t(RED, "status.tool", { name: calls.map((c) => c.name).join(", ") }) });
          return runToolCalls(providers, calls, { conversationId: id, msg }, (name, known) =>
            t(RED, "errors.unknown-tool", { name, known: known.join(", ") || "-" }), signal);
        },
        maxRounds,
        maxContinuations: MAX_CONTINUATIONS,
        signal: lifetime.signal,
        container: loaded.container?.id,
        onRound: () => node.status({ fill: "blue", shape: "dot", text: t(RED, "status.waiting") }),
      });
      // A turn that ends after the node was stopped is never delivered, so it is not stored either.
      if (lifetime.signal.aborted) throw new ClaudeNodeError("errors.aborted", {}, "aborted");
      await memory.save(id, [...history, ...result.added], options.model, options.caching === "conversation", result.container ?? loaded.container);
      return result;
    }

    node.on("input", (msg: Msg, send: (msg: NodeMessage) => void, done: (err?: Error) => void) => {
      let secret: string | undefined;
      const fail = (err: unknown) => {
        if (!lifetime.signal.aborted) reportError(RED, node, err, msg, secret);
        done();
      };
      (async () => {
        const account = accountOf(RED, def.config);
        secret = account.apiKey;
        const id = conversationIdFrom(await evaluate(RED, node, def.conversationId || "conversation_id", def.conversationIdType || "msg", msg)) ?? randomUUID();
        const input = await evaluate(RED, node, def.input || "payload", def.inputType || "msg", msg);
        const reset = msg.reset === true;
        msg.conversation_id = id;
        if (reset && isBlank(input)) {
          await queue.run(id, () => memory.clear(id));
          node.status({ fill: "grey", shape: "ring", text: t(RED, "status.cleared") });
          return done();
        }
        const content = toUserContent(input);
        const result = await queue.run(id, () => converse(account, msg, id, content, reset));
        if (lifetime.signal.aborted) return done();
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
        };
        node.status({ fill: "green", shape: "dot", text: t(RED, "status.done", { tokens: totalTokens(result.usage) }) });
        send(msg);
        done();
      })().catch(fail);
    });

    node.on("close", (done: () => void) => {
      lifetime.abort();
      clearInterval(sweeper);
      done();
    });
  }

  RED.nodes.registerType("claude-conversation", ClaudeConversation as any);
};
