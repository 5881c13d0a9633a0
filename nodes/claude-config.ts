// "Claude account": the API key, base URL and model options every Claude node inherits; owns the
// one SDK client they share.
import type { NodeAPI, NodeDef } from "node-red";
import { Account } from "./lib/api/account";
import { baseUrlProblem } from "./lib/api/base-url";
import { parseExtraHeaders } from "./lib/api/extra-headers";
import { ClaudeError } from "./lib/errors";
import { editorNumber } from "./lib/api/editor-values";
import { ACCOUNT_DEFAULTS } from "./lib/defaults";
import { optionsFromConfig } from "./lib/api/options";
import type { ClaudeConfigNode } from "./runtime/account-node";
import { registerAdminRoutes } from "./runtime/admin-routes";
import { translate } from "./runtime/messages";
import { warnIfNotDurable } from "./runtime/store-warning";

interface ClaudeConfigDef extends NodeDef {
  baseUrl?: string;
  timeout?: string | number;
  retries?: string | number;
  maxConcurrent?: string | number;
  maxToolRounds?: string | number;
  maxTurnTokens?: string | number;
  maxDailyTokens?: string | number;
  /** Context store of the daily count; empty: the default store. */
  usageStore?: string;
  [option: string]: any;
}

/**
 * Where the cost guard keeps today's usage: global context, because Node-RED clears a node's own
 * context when the node is redeployed unless a context store is configured.
 */
function usageKey(id: string): string {
  return `claude_usage_${id.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

const WHOLE = { whole: true };

export = function (RED: NodeAPI) {
  function ClaudeConfig(this: ClaudeConfigNode, def: ClaudeConfigDef) {
    RED.nodes.createNode(this, def);
    try {
      const baseUrl = String(def.baseUrl ?? "").trim();
      // ANTHROPIC_BASE_URL, which the SDK reads when the field is empty, is held to the same rule.
      const badUrl = baseUrlProblem(baseUrl || process.env.ANTHROPIC_BASE_URL?.trim() || "");
      if (badUrl) throw new ClaudeError(badUrl.key, badUrl.params, "invalid_options");
      this.account = new Account({
        apiKey: this.credentials?.apiKey || undefined,
        baseUrl: baseUrl || undefined,
        headers: parseExtraHeaders(this.credentials?.headers),
        timeoutSeconds: editorNumber(def.timeout, ACCOUNT_DEFAULTS.timeout, { positive: true }),
        maxRetries: editorNumber(def.retries, ACCOUNT_DEFAULTS.retries, WHOLE),
        maxConcurrent: editorNumber(def.maxConcurrent, ACCOUNT_DEFAULTS.maxConcurrent, WHOLE),
        options: optionsFromConfig(def),
        limits: {
          maxToolRounds: editorNumber(def.maxToolRounds, ACCOUNT_DEFAULTS.maxToolRounds, WHOLE),
          maxTurnTokens: editorNumber(def.maxTurnTokens, ACCOUNT_DEFAULTS.maxTurnTokens, WHOLE),
          maxDailyTokens: editorNumber(def.maxDailyTokens, ACCOUNT_DEFAULTS.maxDailyTokens, WHOLE),
        },
      });
      const guard = this.account.guard;
      const global = this.context().global;
      const key = usageKey(this.id);
      const store = def.usageStore || undefined;
      if (guard.limits.maxDailyTokens > 0) warnIfNotDurable(RED, this, "usage", store);
      // A store without cache reads from disk: no request starts before the count is in.
      guard.restoreFrom(new Promise((resolve, reject) => global.get(key, store, (err: Error | null | undefined, saved: unknown) => (err ? reject(err) : resolve(saved)))));
      // Waited for before the reply is handed on, so a count a store writes at once is on disk by then.
      guard.onChange = (usage) => new Promise<void>((resolve) => global.set(key, usage, store, () => resolve()));
    } catch (err) {
      this.problem = translate(RED, err).text;
      this.error(this.problem);
    }
    this.on("close", (done: () => void) => {
      this.account?.close();
      done();
    });
  }

  RED.nodes.registerType("claude-config", ClaudeConfig as any, {
    credentials: { apiKey: { type: "password" }, headers: { type: "password" } },
  });
  registerAdminRoutes(RED);
};
