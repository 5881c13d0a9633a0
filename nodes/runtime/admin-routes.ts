// The editor's window on the models endpoint: the account dialog lists the models an account can use
// and what each of them supports. The key stays in the runtime; answers never carry it.
//
//   GET  <admin>/claude-config/:id/models   a deployed account, with its own key and base URL
//                                           (permission claude-config.read)
//   POST <admin>/claude-config/:id/models   an account as typed in the dialog, deployed or not:
//                                           body { apiKey?, baseUrl?, headers? } (claude-config.write and flows.write)
//   Both answer { models } or, with no key at all (none typed, stored or in ANTHROPIC_API_KEY), { models: null, missing: "key" }.
//   GET  <admin>/claude-config/:id/usage    today's token count of a deployed account and its daily limit:
//                                           { tokens, max } ({ tokens: null } when not deployed) (claude-config.read)
//   POST <admin>/claude-schema/check        a JSON Schema as typed in a tool or generate data dialog:
//                                           body { schema, use: "tool" | "data" } (flows.read)
//
// Only callers who may change flows can name a base URL: they could deploy one anyway, while a
// read-only caller must not be able to send a deployed account's key to a host of their choosing.
import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { Account } from "../lib/api/account";
import { baseUrlProblem } from "../lib/api/base-url";
import { parseExtraHeaders } from "../lib/api/extra-headers";
import { ClaudeError, redact, type Secrets } from "../lib/errors";
import { pickableModels } from "../lib/api/models";
import { checkSchema } from "../lib/data/schema-check";
import { DEFAULT_OPTIONS } from "../lib/api/options";
import type { ClaudeConfigNode } from "./account-node";
import { adminAppFor, typedCredential } from "./admin-app";
import { translate } from "./messages";

const LIST_TIMEOUT_SECONDS = 15;

/** Adds the routes to RED.httpAdmin, once per admin app however often the node module is loaded. */
export function registerAdminRoutes(RED: NodeAPI): void {
  const admin = adminAppFor(RED, "claude-config");
  if (!admin) return;
  const { app, needs } = admin;

  app.get("/claude-config/:id/models", needs("claude-config.read"), (req: Request, res: Response) => {
    const config = RED.nodes.getNode(String(req.params.id)) as ClaudeConfigNode | null;
    if (!config || config.type !== "claude-config") {
      return fail(res, 404, new ClaudeError("errors.not-deployed", {}, "not_deployed"));
    }
    if (!config.account) {
      return fail(res, 409, new ClaudeError("errors.bad-config", { detail: config.problem ?? "" }, "invalid_config"));
    }
    return answer(res, config.account);
  });

  // The dialog shows today's count beside the daily limit; config nodes have no status to show it in.
  app.get("/claude-config/:id/usage", needs("claude-config.read"), (req: Request, res: Response) => {
    const config = RED.nodes.getNode(String(req.params.id)) as ClaudeConfigNode | null;
    res.set("Cache-Control", "no-store");
    if (!config || config.type !== "claude-config" || !config.account) return res.json({ tokens: null });
    const guard = config.account.guard;
    return res.json({ tokens: guard.today.tokens, max: guard.limits.maxDailyTokens });
  });

  app.post("/claude-config/:id/models", needs(["claude-config.write", "flows.write"]), (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { apiKey?: unknown; baseUrl?: unknown; headers?: unknown };
    const baseUrl = typeof body.baseUrl === "string" ? body.baseUrl.trim() : "";
    const badUrl = baseUrlProblem(baseUrl);
    if (badUrl) return fail(res, 400, new ClaudeError(badUrl.key, badUrl.params, "invalid_request"));
    const saved = stored(RED, String(req.params.id));
    let headers: Record<string, string>;
    try {
      headers = parseExtraHeaders(typedKey(body.headers) ?? saved.headers);
    } catch (err) {
      return fail(res, 400, err);
    }
    const account = new Account({
      apiKey: typedKey(body.apiKey) ?? (saved.apiKey || undefined),
      baseUrl: baseUrl || undefined,
      headers,
      timeoutSeconds: LIST_TIMEOUT_SECONDS,
      maxRetries: 0,
      maxConcurrent: 0,
      options: DEFAULT_OPTIONS,
    });
    return answer(res, account).finally(() => account.close());
  });

  // The same checks the node runs at start, with ajv, so the dialog can say what is wrong while typing.
  app.post("/claude-schema/check", needs("flows.read"), (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { schema?: unknown; use?: unknown };
    res.set("Cache-Control", "no-store");
    try {
      const text = body.schema === undefined || body.schema === null ? "" : typeof body.schema === "string" ? body.schema : JSON.stringify(body.schema);
      checkSchema(text, body.use === "data" ? "data" : "tool");
      res.json({ ok: true });
    } catch (err) {
      const failure = translate(RED, err);
      res.json({ ok: false, error: { message: failure.text, key: failure.key, params: failure.params } });
    }
  });

  /** Sends the account's models, or the reason they could not be listed. */
  async function answer(res: Response, account: Account): Promise<void> {
    const secret = account.secrets;
    try {
      const models = pickableModels(await account.listModels());
      res.set("Cache-Control", "no-store");
      // Redacted in case a host echoes the key back in what it answers.
      res.type("application/json").send(redact(JSON.stringify({ models }), secret));
    } catch (err) {
      // No key yet is where every new account starts, not a failure: the dialog asks for one.
      if (err instanceof ClaudeError && err.key === "errors.no-key") {
        res.set("Cache-Control", "no-store");
        res.json({ models: null, missing: "key" });
        return;
      }
      fail(res, err instanceof ClaudeError ? 400 : 502, err, secret);
    }
  }

  /** { error: { message, key, params, type, status } }: the dialog shows it in the user's language. */
  function fail(res: Response, httpStatus: number, err: unknown, secret?: Secrets): void {
    const failure = translate(RED, err, secret);
    res.set("Cache-Control", "no-store");
    // Never 401: the editor takes that as "log in again". The API's own status is in the body.
    res.status(httpStatus).json({ error: { message: failure.text, key: failure.key, params: failure.params, type: failure.type, status: failure.status } });
  }
}

/** A credential typed in the dialog (the key, the extra headers); undefined when the field still holds the stored one. */
function typedKey(value: unknown): string | undefined {
  return typedCredential(value)?.trim();
}

/** The stored credentials of a deployed account (an empty key means ANTHROPIC_API_KEY, as at run time). */
function stored(RED: NodeAPI, id: string): { apiKey?: string; headers?: string } {
  return (RED.nodes.getCredentials(id) as { apiKey?: string; headers?: string } | undefined) ?? {};
}
