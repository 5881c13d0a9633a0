// "Claude tool result": returns msg.payload to Claude as the result of the call named by msg.tool
// (like `http response`). A thin adapter: the rules live in lib/.
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import { ClaudeNodeError } from "./lib/errors";
import { callKey } from "./lib/tools/tool-calls";
import { errorText, resultContent, type ResultTexts, type ToolAnswer } from "./lib/tools/tool-result";
import { refuseUncopyable, t } from "./runtime/messages";
import { pendingToolCalls } from "./runtime/tool-registry";

type Msg = NodeMessage & Record<string, any>;

export = function (RED: NodeAPI) {
  const texts: ResultTexts = {
    cut: (shown, total) => t(RED, "tool.result-cut", { shown, total }),
    empty: t(RED, "tool.result-empty"),
  };

  /** The answer for Claude; a result that cannot be sent becomes an error result saying why. */
  function answerFor(node: Node, msg: Msg, refused?: string): ToolAnswer {
    if (refused) return { content: refused, summary: refused, isError: true };
    const failure = errorText(msg.error);
    const isError = msg.is_error === true || failure !== undefined;
    try {
      const { content, summary } = resultContent(failure !== undefined && msg.is_error !== true ? failure : msg.payload, texts);
      return { content, summary, isError };
    } catch (err) {
      const message = err instanceof ClaudeNodeError ? t(RED, err.key, err.params) : String(err);
      node.error(message, msg);
      return { content: message, summary: message, isError: true };
    }
  }

  function ClaudeToolResult(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;

    node.on("input", (msg: Msg, _send: (msg: NodeMessage) => void, done: (err?: Error) => void) => {
      // A message Node-RED could not copy is reported (without the part it cannot copy) and Claude is told why.
      let refused: string | undefined;
      try {
        refuseUncopyable(msg);
      } catch (err) {
        refused = err instanceof ClaudeNodeError ? t(RED, err.key, err.params) : String(err);
        node.error(refused, msg);
      }
      const tool = msg.tool;
      if (!tool || typeof tool !== "object" || tool.id === undefined) {
        node.warn(t(RED, "warnings.tool-result-no-tool"));
        return done();
      }
      const key = callKey(tool.conversation_id, tool.id);
      if (!pendingToolCalls.has(key)) {
        node.warn(t(RED, "warnings.tool-result-unmatched", { name: tool.name ?? "", id: tool.id }));
        node.status({ fill: "yellow", shape: "ring", text: t(RED, "status.tool-result-unmatched") });
        return done();
      }
      const answer = answerFor(node, msg, refused);
      pendingToolCalls.answer(key, answer);
      node.status({ fill: answer.isError ? "yellow" : "green", shape: "dot", text: t(RED, answer.isError ? "status.tool-result-error" : "status.tool-result-sent", { name: tool.name ?? "" }) });
      done();
    });
  }

  RED.nodes.registerType("claude-tool-result", ClaudeToolResult as any);
};
