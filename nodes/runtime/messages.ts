// Node-RED glue shared by the node adapters: the message catalog, typed inputs, and failures as text.
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { copyProblem, MAX_DEPTH, type CopyProblem } from "../lib/content/copyable";
import { ClaudeError, describeError, redact, redactDeep, type FlowError, type Secrets } from "../lib/errors";

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

export interface Translated extends FlowError {
  /** The message in the runtime's language, without the secret. */
  text: string;
}

/**
 * The one place a failure becomes text: its catalog message, with the API key (and the account's other
 * secrets) removed from every field, not just the text: an API or a proxy may echo the key in a request
 * id, an error type or a detail.
 */
export function translate(RED: NodeAPI, err: unknown, secret?: Secrets): Translated {
  const described = redactDeep(describeError(err), secret);
  const params = Object.fromEntries(Object.entries(described.params).map(([k, v]) => [k, typeof v === "string" ? redact(v, secret) : v]));
  return { ...described, params, text: redact(t(RED, described.key, params), secret) };
}

/** msg.error as Catch nodes and flows read it. */
export function flowError(failure: Translated): Record<string, unknown> {
  const { text, type, status, request_id, code, details } = failure;
  return { message: text, type, status, request_id, ...(code ? { code } : {}), ...details };
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
  if (first.problem === "too-deep") throw new ClaudeError("errors.message-too-deep", { property: first.property, max: MAX_DEPTH });
  throw new ClaudeError("errors.message-unreadable", { property: first.property, detail: first.detail ?? "" });
}

/**
 * Ends a message: done(err) copies msg for each Catch node (done() for each Complete node). Should
 * that copy still throw, the failure is reported without msg rather than taking Node-RED down.
 */
export function endMessage(node: Node, done: (err?: Error) => void, failure?: Error): void {
  try {
    done(failure);
  } catch {
    if (failure) node.error(failure.message);
  }
}

export function shorten(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/**
 * The error a failed message ends with, done(err), as Node-RED passes it to Catch nodes: its text
 * (without "Error: " in front), and msg.error.type as its code. No stack: it would point into this
 * package, not at the flow.
 */
export class FlowFailure extends Error {
  constructor(text: string, readonly code: string) {
    super(text);
    delete (this as { stack?: string }).stack;
  }
  override toString(): string {
    return this.message;
  }
}
