// How other nodes reach the account held by a claude-config node.
import type { Node, NodeAPI } from "node-red";
import type { Account } from "../lib/api/account";
import { ClaudeError } from "../lib/errors";

export interface ClaudeConfigNode extends Node<{ apiKey?: string; headers?: string }> {
  account?: Account;
  /** Why the account could not be set up, already translated. */
  problem?: string;
}

/** The account of a config node, or an error that names what to fix. */
export function accountOf(RED: NodeAPI, configId: string | undefined): Account {
  const config = configId ? (RED.nodes.getNode(configId) as ClaudeConfigNode | null) : null;
  if (!config) throw new ClaudeError("errors.no-config", {}, "invalid_config");
  if (!config.account) throw new ClaudeError("errors.bad-config", { detail: config.problem ?? "" }, "invalid_config");
  return config.account;
}
