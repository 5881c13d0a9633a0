// "Claude account": the API key, base URL and model options every Claude node inherits; owns the
// one SDK client they share.
import type { NodeAPI, NodeDef } from "node-red";
import { Account } from "./lib/account";
import { OptionsError, optionsFromConfig } from "./lib/options";
import type { ClaudeConfigNode } from "./runtime/account-node";
import { registerAdminRoutes } from "./runtime/admin-routes";
import { t } from "./runtime/messages";

interface ClaudeConfigDef extends NodeDef {
  baseUrl?: string;
  timeout?: string | number;
  retries?: string | number;
  maxConcurrent?: string | number;
  [option: string]: any;
}

function count(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== "" && value !== undefined && Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

export = function (RED: NodeAPI) {
  function ClaudeConfig(this: ClaudeConfigNode, def: ClaudeConfigDef) {
    RED.nodes.createNode(this, def);
    try {
      this.account = new Account({
        apiKey: this.credentials?.apiKey || undefined,
        baseUrl: String(def.baseUrl ?? "").trim() || undefined,
        timeoutSeconds: count(def.timeout, 600) || 600,
        maxRetries: count(def.retries, 2),
        maxConcurrent: count(def.maxConcurrent, 0),
        options: optionsFromConfig(def),
      });
    } catch (err) {
      this.problem = err instanceof OptionsError ? t(RED, err.key, err.params) : String(err);
      this.error(this.problem);
    }
    this.on("close", (done: () => void) => {
      this.account?.close();
      done();
    });
  }

  RED.nodes.registerType("claude-config", ClaudeConfig as any, {
    credentials: { apiKey: { type: "password" } },
  });
  registerAdminRoutes(RED);
};
