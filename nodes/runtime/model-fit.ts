// Fits a node's options to the model that will answer, warning once per node about each change made.
import type { Node, NodeAPI } from "node-red";
import { fitToModel } from "../lib/api/model-fit";
import type { ModelOptions } from "../lib/api/options";
import type { ModelEntry } from "../lib/api/models";
import { t } from "./messages";

const warned = new WeakMap<Node, Set<string>>();

export function fitOptions(RED: NodeAPI, node: Node, requested: ModelOptions, entry: ModelEntry | undefined): ModelOptions {
  const { options, notices } = fitToModel(requested, entry);
  let seen = warned.get(node);
  if (!seen) warned.set(node, (seen = new Set()));
  for (const notice of notices) {
    const id = `${notice.key} ${JSON.stringify(notice.params)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    node.warn(t(RED, notice.key, notice.params));
  }
  return options;
}
