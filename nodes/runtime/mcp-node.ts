// How the MCP server config node and its admin route turn dialog settings into a session, and how
// other nodes reach a deployed one.
import type { Node, NodeAPI } from "node-red";
import { ClaudeError } from "../lib/errors";
import { haEndpoint, HA_PROMPT, httpEndpoint, parseHeaders, stdioEndpoint, type HaServerSettings } from "../lib/mcp/endpoint";
import type { McpToolSource } from "../lib/mcp/mcp-source";
import type { McpEndpoint, McpSession } from "../lib/mcp/session";

export type McpConnection = "ha" | "http" | "stdio";

export interface McpSettings {
  connection?: McpConnection;
  url?: string;
  command?: string;
  haServer?: string;
}

export interface McpCredentials {
  token?: string;
  headers?: string;
}

export interface ClaudeMcpNode extends Node<McpCredentials> {
  source?: McpToolSource;
  session?: McpSession;
  /** Why the server cannot be used, already translated. */
  problem?: string;
  /** The token and header values, removed from every answer. */
  secrets?: string[];
}

export interface ResolvedServer {
  endpoint: McpEndpoint;
  /** The token and header values: removed from everything shown. */
  secrets: string[];
  prompt?: string;
}

export function connectionOf(settings: McpSettings): McpConnection {
  return settings.connection === "stdio" || settings.connection === "http" ? settings.connection : settings.haServer ? "ha" : settings.command && !settings.url ? "stdio" : settings.connection === "ha" ? "ha" : "http";
}

/** The Home Assistant server config node's settings and credentials, as the HA nodes read them. */
function haServer(RED: NodeAPI, id: string | undefined): HaServerSettings {
  let def: Record<string, unknown> | undefined;
  if (id) RED.nodes.eachNode((n: any) => void (n.id === id && n.type === "server" && (def = n)));
  if (!def) throw new ClaudeError("errors.mcp-no-ha-server", {}, "invalid_config");
  const credentials = (RED.nodes.getCredentials(id!) ?? {}) as { host?: string; access_token?: string };
  return { host: credentials.host, access_token: credentials.access_token, addon: def.addon === true };
}

export function resolveServer(RED: NodeAPI, settings: McpSettings, credentials: McpCredentials): ResolvedServer {
  const connection = connectionOf(settings);
  if (connection === "ha") {
    const { url, token } = haEndpoint(haServer(RED, settings.haServer));
    return { endpoint: httpEndpoint(url, token, {}), secrets: [token], prompt: HA_PROMPT };
  }
  if (connection === "stdio") return { endpoint: stdioEndpoint(settings.command ?? "", RED.settings.userDir as string | undefined), secrets: [] };
  const headers = parseHeaders(credentials.headers);
  const token = credentials.token?.trim() || undefined;
  return { endpoint: httpEndpoint(settings.url ?? "", token, headers), secrets: [...(token ? [token] : []), ...Object.values(headers)] };
}
