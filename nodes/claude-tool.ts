// "Claude tool": a tool Claude may call. Each call leaves the node as a message (like `http in`)
// and waits for a "Claude tool result" node to answer it. While deployed, the node is a tool source
// in the registry that conversations ask for their tools. A thin adapter: the rules live in lib/.
import type { Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import { actionPayload, actionSchema, checkAllowList, checkCall, type ActionInput, type AllowList, type Problem } from "./lib/tools/ha-action";
import { editorList, editorNumber } from "./lib/api/editor-values";
import { EMPTY_SCHEMA, TOOL_DEFAULTS } from "./lib/defaults";
import { callKey, toolMessage, type Settled } from "./lib/tools/tool-calls";
import type { ToolAnswer } from "./lib/tools/tool-result";
import { compileSchema, errorsText, schemaProblem, type CompiledSchema } from "./lib/data/json-schema";
import { toolInputSchema } from "./lib/tools/tool-schema";
import { answerOutcome, errorOutcome, TOOL_NAME, type CallOrigin } from "./lib/tools/tools";
import type { ToolSource } from "./lib/tools/tool-source";
import type { ToolOutcome } from "./lib/conversation/turn";
import { ClaudeError } from "./lib/errors";
import { t, translate } from "./runtime/messages";
import { pendingToolCalls } from "./runtime/tool-registry";
import { toolSources } from "./runtime/tool-sources";

interface ToolDef extends NodeDef {
  description?: string;
  mode?: "plain" | "ha";
  schema?: string;
  timeout?: string | number;
  actions?: string[] | string;
  entities?: string[] | string;
}

export = function (RED: NodeAPI) {
  const text = (p: Problem) => t(RED, p.key, p.params);

  function ClaudeTool(this: Node, def: ToolDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const name = String(def.name ?? "").trim();
    const mode = def.mode === "ha" ? "ha" : "plain";
    const timeoutS = editorNumber(def.timeout, TOOL_DEFAULTS.timeout, { positive: true });
    const allow: AllowList = { actions: editorList(def.actions), entities: editorList(def.entities) };

    let definition: Tool;
    let validator: CompiledSchema;
    try {
      if (!TOOL_NAME.test(name)) throw new ClaudeError("errors.tool-bad-name", { name });
      let schema;
      let description = String(def.description ?? "").trim();
      if (mode === "ha") {
        const problems = checkAllowList(allow);
        if (problems.length) throw new ClaudeError("errors.ha-bad-settings", { detail: problems.map(text).join(" ") });
        schema = actionSchema(allow, {
          action: t(RED, "tool.ha-action"),
          entity_id: t(RED, "tool.ha-entity", { entities: allow.entities.join(", ") }),
          data: t(RED, "tool.ha-data"),
        });
        description = [description || t(RED, "tool.ha-description"), t(RED, "tool.ha-allowed", { actions: allow.actions.join(", "), entities: allow.entities.join(", ") })].join("\n");
      } else {
        schema = String(def.schema ?? "").trim() ? def.schema : EMPTY_SCHEMA;
      }
      validator = compileSchema(schema);
      schema = validator.schema;
      definition = { name, input_schema: toolInputSchema(schema), ...(description ? { description } : {}) };
    } catch (err) {
      const detail = schemaProblem(err);
      const message = translate(RED, detail === undefined ? err : new ClaudeError("errors.tool-bad-schema", { detail })).text;
      node.status({ fill: "red", shape: "ring", text: t(RED, "status.tool-broken") });
      node.error(t(RED, "errors.tool-not-offered", { name: name || node.id, detail: message }));
      // Not registered as a source: no conversation offers this tool to Claude.
      return;
    }

    function showStatus(last?: Settled<ToolAnswer>["kind"] | "rejected") {
      const waiting = pendingToolCalls.countFor(node.id);
      if (waiting) return node.status({ fill: "blue", shape: "dot", text: t(RED, "status.tool-waiting", { count: waiting }) });
      if (last === "answered") node.status({ fill: "green", shape: "dot", text: t(RED, "status.tool-answered") });
      else if (last === "timeout") node.status({ fill: "red", shape: "ring", text: t(RED, "status.tool-timeout") });
      else if (last === "rejected") node.status({ fill: "yellow", shape: "ring", text: t(RED, "status.tool-rejected") });
      else node.status({});
    }

    /** Checks a call; the problems go back to Claude and the flow never sees the call. */
    function problemsWith(input: unknown): string[] {
      if (mode === "ha") {
        const denied = checkCall(input, allow);
        if (denied.length) return denied.map(text);
      }
      const errors = validator.validate(input);
      return errors.length ? [errorsText(errors)] : [];
    }

    async function invoke(call: ToolUseBlock, origin: CallOrigin, signal: AbortSignal): Promise<ToolOutcome> {
      const problems = problemsWith(call.input);
      if (problems.length) {
        showStatus("rejected");
        return errorOutcome(call, t(RED, "errors.tool-input-invalid", { name, detail: problems.join("; ") }));
      }
      const payload = mode === "ha" ? actionPayload(call.input as ActionInput) : call.input;
      const key = callKey(origin.conversationId, call.id);
      const waiting = pendingToolCalls.wait(key, { owner: node.id, timeoutMs: timeoutS * 1000, signal });
      const msg = toolMessage(origin.msg, payload, { name, id: call.id, conversation_id: origin.conversationId }, (value) => RED.util.cloneMessage(value as NodeMessage) as typeof value);
      showStatus();
      node.send(msg as NodeMessage);
      const settled = await waiting;
      showStatus(settled.kind);
      switch (settled.kind) {
        case "answered":
          return answerOutcome(call, settled.value);
        case "timeout":
          return errorOutcome(call, t(RED, "errors.tool-timeout", { name, seconds: timeoutS }));
        case "duplicate":
          return errorOutcome(call, t(RED, "errors.tool-duplicate-call", { id: call.id }));
        default:
          return errorOutcome(call, t(RED, "errors.tool-stopped", { name }));
      }
    }

    const source: ToolSource = { label: name, tools: async () => [definition], call: invoke };
    const unregister = toolSources.add({ id: node.id, kind: "claude-tool", z: node.z, source });

    node.on("close", (done: () => void) => {
      unregister();
      // Calls still waiting end now: their conversation gets an error result, no timer stays behind.
      pendingToolCalls.cancelOwner(node.id);
      done();
    });
  }

  RED.nodes.registerType("claude-tool", ClaudeTool as any);
};
