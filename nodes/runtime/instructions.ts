// Instructions as every node takes them: a Mustache template rendered per message with msg, flow,
// global and env, or msg.instructions as given; a broken template is reported when the node starts.
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { renderTemplate, templateProblem } from "../lib/template";
import { t } from "./messages";

export function instructionsFor(RED: NodeAPI, node: Node, template: string, msg: NodeMessage & Record<string, any>): string {
  if (typeof msg.instructions === "string") return msg.instructions;
  return renderTemplate(template, {
    msg,
    flow: (key) => node.context().flow.get(key),
    global: (key) => node.context().global.get(key),
    env: (name) => RED.util.getSetting(node, name),
  });
}

/** Red status and an error at start when the template cannot be parsed. */
export function checkTemplate(RED: NodeAPI, node: Node, template: string): void {
  const problem = templateProblem(template);
  if (!problem) return;
  node.status({ fill: "red", shape: "ring", text: t(RED, "status.bad-template") });
  node.error(t(RED, "errors.bad-template", { detail: problem }));
}
