// Instructions as every node takes them: a Mustache template rendered per message with msg, flow,
// global and env, or msg.instructions as given; a broken template is reported when the node starts.
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { ClaudeError, holdsSecret, type Secrets } from "../lib/errors";
import { renderTemplate, templateProblem } from "../lib/content/template";
import { t } from "./messages";

/**
 * `secret` is the account's API key (and its other secrets). The template may not read
 * ANTHROPIC_API_KEY, and instructions that hold a secret, from whatever source (msg, flow, global, an
 * environment variable holding it among other text, msg.instructions), are refused before any
 * request: Claude could repeat it.
 */
export function instructionsFor(RED: NodeAPI, node: Node, template: string, msg: NodeMessage & Record<string, any>, secret?: Secrets): string {
  const text = typeof msg.instructions === "string" ? msg.instructions : render(RED, node, template, msg);
  if (holdsSecret(text, secret)) throw new ClaudeError("errors.key-in-instructions");
  return text;
}

function render(RED: NodeAPI, node: Node, template: string, msg: NodeMessage & Record<string, any>): string {
  try {
    return renderTemplate(template, {
      msg,
      flow: (key) => node.context().flow.get(key),
      global: (key) => node.context().global.get(key),
      env: (name) => (name === "ANTHROPIC_API_KEY" ? undefined : RED.util.getSetting(node, name)),
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
