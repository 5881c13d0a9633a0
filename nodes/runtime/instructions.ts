// Instructions as every node takes them: a Mustache template rendered per message with msg, flow,
// global and env, or msg.instructions as given; a broken template is reported when the node starts.
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { ClaudeError } from "../lib/errors";
import { renderTemplate, templateProblem } from "../lib/content/template";
import { t } from "./messages";

/** `secret` is the account's API key, which the template may not read from the environment. */
export function instructionsFor(RED: NodeAPI, node: Node, template: string, msg: NodeMessage & Record<string, any>, secret?: string): string {
  if (typeof msg.instructions === "string") return msg.instructions;
  try {
    return renderTemplate(template, {
      msg,
      flow: (key) => node.context().flow.get(key),
      global: (key) => node.context().global.get(key),
      // The API key must never reach a prompt, from where Claude could repeat it.
      env: (name) => {
        const value = name === "ANTHROPIC_API_KEY" ? undefined : RED.util.getSetting(node, name);
        return secret && value === secret ? undefined : value;
      },
    });
  } catch (err) {
    throw new ClaudeError("errors.bad-template", { detail: err instanceof Error ? err.message : String(err) });
  }
}

/** Red status and an error at start when the template cannot be parsed. */
export function checkTemplate(RED: NodeAPI, node: Node, template: string): void {
  const problem = templateProblem(template);
  if (!problem) return;
  node.status({ fill: "red", shape: "ring", text: t(RED, "status.bad-template") });
  node.error(t(RED, "errors.bad-template", { detail: problem }));
}
