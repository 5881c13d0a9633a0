// Warnings a node gives once in its lifetime (per deploy), however many messages meet the cause.
import type { Node } from "node-red";

const warned = new WeakMap<Node, Set<string>>();

/** Warns with `text()` unless this node already warned under `id` (the text is made only when it is said). */
export function warnOnce(node: Node, id: string, text: () => string): void {
  let seen = warned.get(node);
  if (!seen) warned.set(node, (seen = new Set()));
  if (seen.has(id)) return;
  seen.add(id);
  node.warn(text());
}
