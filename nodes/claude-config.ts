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
  maxToolRounds?: string | number;
  maxTurnTokens?: string | number;
  maxDailyTokens?: string | number;
  [option: string]: any;
}

function count(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== "" && value !== undefined && Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

/** Seconds may have a fraction (0.5); anything not positive means the default. */
function seconds(value: unknown, fallback: number): number {
  const n = Number(value);
  return value !== "" && value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * Where the cost guard keeps today's usage: global context, because Node-RED clears a node's own
 * context when the node is redeployed unless a context store is configured.
 */
function usageKey(id: string): string {
  return `claude_usage_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

export = function (RED: NodeAPI) {
  function ClaudeConfig(this: ClaudeConfigNode, def: ClaudeConfigDef) {
    RED.nodes.createNode(this, def);
    try {
      this.account = new Account({
        apiKey: this.credentials?.apiKey || undefined,
        baseUrl: String(def.baseUrl ?? "").trim() || undefined,
        timeoutSeconds: seconds(def.timeout, 600),
        maxRetries: count(def.retries, 2),
        maxConcurrent: count(def.maxConcurrent, 0),
        options: optionsFromConfig(def),
        limits: {
          maxToolRounds: count(def.maxToolRounds, 0),
          maxTurnTokens: count(def.maxTurnTokens, 0),
          maxDailyTokens: count(def.maxDailyTokens, 0),
        },
      });
      const guard = this.account.guard;
      const global = this.context().global;
      const key = usageKey(this.id);
      global.get(key, (err: Error | null | undefined, saved: unknown) => {
        if (!err) guard.restore(saved);
        guard.onChange = (usage) => global.set(key, usage, () => undefined);
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
