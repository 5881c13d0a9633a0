// Node-RED glue shared by the node adapters: the message catalog, typed inputs, and how failures
// reach a flow (node.error(text, msg) so Catch nodes see them, with msg.error filled in).
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { copyProblem, MAX_DEPTH, type CopyProblem } from "../lib/content/copyable";
import { ClaudeNodeError, describeError, redact, redactDeep, type Secrets } from "../lib/errors";

/** Every runtime message lives in the account node's catalog, so all nodes share one set. */
const NAMESPACE = "node-red-contrib-claude/claude-config";

const MARK = "\u0001";
/** Catalog texts per runtime, by key and parameter names, with a marker where each value goes. */
const templates = new WeakMap<object, Map<string, string>>();

/**
 * A runtime message from the catalog. Node-RED's lookup costs tens of microseconds (far more with a
 * `count`, which makes it resolve plural forms), and statuses are set several times a turn, so each
 * text is looked up once, with markers for its values, and filled in here. The catalog's texts are
 * therefore plain: no plural forms (write "call(s)").
 */
export function t(RED: NodeAPI, key: string, params: Record<string, unknown> = {}): string {
  const names = Object.keys(params);
  let cache = templates.get(RED);
  if (!cache) templates.set(RED, (cache = new Map()));
  const cacheKey = [key, ...names].join(MARK);
  let template = cache.get(cacheKey);
  if (template === undefined) {
    template = RED._(`${NAMESPACE}:${key}`, Object.fromEntries(names.map((name) => [name, MARK + name + MARK])));
    cache.set(cacheKey, template);
  }
  return names.length ? template.replace(/\u0001(\w+)\u0001/g, (_m, name) => String(params[name] ?? "")) : template;
}

/** RED.util.evaluateNodeProperty as a promise (flow and global may need an async store). */
export function evaluate(RED: NodeAPI, node: Node, value: string, type: string, msg: NodeMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(value, type, node, msg, (err: Error | null, result: any) => (err ? reject(err) : resolve(result)));
  });
}

export interface ErrorReport {
  text: string;
  type: string;
}

/**
 * Reports a failed message: msg.error = { message, type, status, request_id }, then node.error(text, msg),
 * and a red status. The API key is removed from anything that is shown.
 */
export function reportError(RED: NodeAPI, node: Node, err: unknown, msg: NodeMessage & Record<string, any>, secret?: Secrets): ErrorReport {
  const described = describeError(err);
  const params = Object.fromEntries(Object.entries(described.params).map(([k, v]) => [k, typeof v === "string" ? redact(v, secret) : v]));
  const text = redact(t(RED, described.key, params), secret);
  const type = redact(described.type, secret);
  // Every field, not just the message: an API or proxy may echo the key in a request id or error type.
  msg.error = redactDeep({ message: text, type: described.type, status: described.status, request_id: described.request_id, ...described.details }, secret);
  if (type !== "aborted") {
    node.status({ fill: "red", shape: "ring", text: shorten(text) });
    // Node-RED copies msg for each Catch node; should that still throw, the error goes out without it.
    try {
      node.error(text, msg);
    } catch {
      node.error(text);
    }
  }
  return { text, type };
}

/**
 * Refuses a message Node-RED could not copy, before anything reads it. Each property that cannot be
 * copied is taken out of msg first, so that reporting the error (which copies msg) cannot throw.
 */
export function refuseUncopyable(msg: NodeMessage & Record<string, any>): void {
  let first: CopyProblem | undefined;
  for (let found = copyProblem(msg); found; found = copyProblem(msg)) {
    first ??= found;
    if (!found.property || !Reflect.deleteProperty(msg, found.property)) break;
  }
  if (!first) return;
  if (first.problem === "too-deep") throw new ClaudeNodeError("errors.message-too-deep", { property: first.property, max: MAX_DEPTH });
  throw new ClaudeNodeError("errors.message-unreadable", { property: first.property, detail: first.detail ?? "" });
}

export function shorten(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
