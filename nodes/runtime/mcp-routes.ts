// The MCP dialog's window on a server's tool list, with the permission rules of the model list:
//
//   GET  <admin>/claude-mcp/:id/tools   a deployed server node, with its own session
//                                       (permission claude-mcp.read)
//   POST <admin>/claude-mcp/:id/tools   a server as set in the dialog, deployed or not: body
//                                       { connection, url, token?, headers?, command, haServer }
//                                       (claude-mcp.write and flows.write)
//
// Only callers who may change flows can name a URL or command: they could deploy one anyway, while
// a read-only caller must not be able to send a stored token to a host of their choosing. Answers
// hold tool names and descriptions only, never a token.
import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import { redact } from "../lib/errors";
import { McpSession, type McpTool } from "../lib/mcp/session";
import { describeMcpError } from "../lib/mcp/problems";
import { resolveServer, type ClaudeMcpNode, type McpCredentials, type McpSettings } from "./mcp-node";
import { adminAppFor, typedCredential } from "./admin-app";
import { t, translate } from "./messages";

const LIST_TIMEOUT_MS = 15_000;

export function registerMcpRoutes(RED: NodeAPI): void {
  const admin = adminAppFor(RED, "claude-mcp");
  if (!admin) return;
  const { app, needs } = admin;

  app.get("/claude-mcp/:id/tools", needs("claude-mcp.read"), (req: Request, res: Response) => {
    const node = RED.nodes.getNode(String(req.params.id)) as ClaudeMcpNode | null;
    if (!node || node.type !== "claude-mcp") return fail(res, 404, t(RED, "errors.not-deployed"));
    if (!node.session) return fail(res, 409, t(RED, "errors.bad-config", { detail: node.problem ?? "" }));
    node.session.refresh();
    return answer(res, node.session, node.secrets ?? []);
  });

  app.post("/claude-mcp/:id/tools", needs(["claude-mcp.write", "flows.write"]), (req: Request, res: Response) => {
    const id = String(req.params.id);
    const body = (req.body ?? {}) as McpSettings & McpCredentials;
    const stored = (RED.nodes.getCredentials(id) ?? {}) as McpCredentials;
    const typed = (value: unknown, old: string | undefined) => typedCredential(value) ?? old;
    let server;
    try {
      server = resolveServer(
        RED,
        { connection: body.connection, url: str(body.url), command: str(body.command), haServer: str(body.haServer) },
        { token: typed(body.token, stored.token), headers: typed(body.headers, stored.headers) },
      );
    } catch (err) {
      return fail(res, 400, translate(RED, err).text);
    }
    const session = new McpSession({ endpoint: server.endpoint, timeoutMs: LIST_TIMEOUT_MS, maxRestarts: 0 });
    return answer(res, session, server.secrets).finally(() => session.close());
  });

  async function answer(res: Response, session: McpSession, secrets: string[]): Promise<void> {
    const clean = (text: string) => redact(text, secrets);
    try {
      const tools = (await session.tools()).map((tool: McpTool) => ({ name: tool.name, description: tool.description ?? tool.title ?? "" }));
      res.set("Cache-Control", "no-store");
      res.type("application/json").send(clean(JSON.stringify({ tools })));
    } catch (err) {
      const problem = describeMcpError(err);
      fail(res, 502, clean(t(RED, problem.key, { ...problem.params, seconds: LIST_TIMEOUT_MS / 1000 })));
    }
  }

  /** Never 401: the editor takes that as "log in again". */
  function fail(res: Response, status: number, message: string): void {
    res.set("Cache-Control", "no-store");
    res.status(status).json({ error: { message } });
  }
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
