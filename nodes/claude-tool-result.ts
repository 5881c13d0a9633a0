// "Claude tool result": returns msg.payload to Claude as the result of the call named by msg.tool
// (like `http response`). A thin adapter: the rules live in lib/.
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import { callKey } from "./lib/tools/tool-calls";
import { errorText, resultContent, type ResultTexts, type ToolAnswer } from "./lib/tools/tool-result";
import { endMessage, flowError, FlowFailure, refuseUncopyable, t, translate } from "./runtime/messages";
import { pendingToolCalls } from "./runtime/tool-registry";

type Msg = NodeMessage & Record<string, any>;

export = function (RED: NodeAPI) {
  const texts: ResultTexts = {
    cut: (shown, total) => t(RED, "tool.result-cut", { shown, total }),
    empty: t(RED, "tool.result-empty"),
  };

  /**
   * The answer for Claude; a result that cannot be sent becomes an error result saying why, and
   * the message fails with the same reason.
   */
  function answerFor(msg: Msg): { answer: ToolAnswer; failure?: FlowFailure } {
    const failed = errorText(msg.error);
    const isError = msg.is_error === true || failed !== undefined;
    try {
      const { content, summary } = resultContent(failed !== undefined && msg.is_error !== true ? failed : msg.payload, texts);
      return { answer: { content, summary, isError } };
    } catch (err) {
      return failedWith(msg, err);
    }
  }

  /** An error result for Claude, and the message failing with the same reason. */
  function failedWith(msg: Msg, err: unknown): { answer: ToolAnswer; failure: FlowFailure } {
    const problem = translate(RED, err);
    msg.error = flowError(problem);
    return { answer: { content: problem.text, summary: problem.text, isError: true }, failure: new FlowFailure(problem.text, problem.type) };
  }

  function ClaudeToolResult(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;

    node.on("input", (msg: Msg, _send: (msg: NodeMessage) => void, done: (err?: Error) => void) => {
      // A message Node-RED could not copy fails (without the part it cannot copy) and Claude is told why.
      let refused: ReturnType<typeof failedWith> | undefined;
      try {
        refuseUncopyable(msg);
      } catch (err) {
        refused = failedWith(msg, err);
      }
      const tool = msg.tool;
      if (!tool || typeof tool !== "object" || tool.id === undefined) {
        node.warn(t(RED, "warnings.tool-result-no-tool"));
        return endMessage(node, done, refused?.failure);
      }
      const key = callKey(tool.conversation_id, tool.id);
      if (!pendingToolCalls.has(key)) {
        node.warn(t(RED, "warnings.tool-result-unmatched", { name: tool.name ?? "", id: tool.id }));
        node.status({ fill: "yellow", shape: "ring", text: t(RED, "status.tool-result-unmatched") });
        return endMessage(node, done, refused?.failure);
      }
      const { answer, failure } = refused ?? answerFor(msg);
      pendingToolCalls.answer(key, answer);
      node.status({ fill: answer.isError ? "yellow" : "green", shape: "dot", text: t(RED, answer.isError ? "status.tool-result-error" : "status.tool-result-sent", { name: tool.name ?? "" }) });
      endMessage(node, done, failure);
    });
  }

  RED.nodes.registerType("claude-tool-result", ClaudeToolResult as any);
};
