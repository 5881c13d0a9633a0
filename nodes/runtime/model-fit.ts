// Fits a node's options to the model that will answer, warning once per node about each change made.
import type { Node, NodeAPI } from "node-red";
import { fitToModel } from "../lib/api/model-fit";
import type { ModelOptions } from "../lib/api/options";
import type { ModelEntry } from "../lib/api/models";
import { t } from "./messages";
import { warnOnce } from "./warn-once";

export function fitOptions(RED: NodeAPI, node: Node, requested: ModelOptions, entry: ModelEntry | undefined): ModelOptions {
  const { options, notices } = fitToModel(requested, entry);
  for (const notice of notices) warnOnce(node, `${notice.key} ${JSON.stringify(notice.params)}`, () => t(RED, notice.key, notice.params));
  return options;
}
