// Where an MCP server is, from what the dialog holds: a URL with a token and other headers, a
// command line for a stdio server, or a Home Assistant server config node's host and token.
import { HEADER_NAME } from "../api/extra-headers";
import { ClaudeError } from "../errors";
import type { McpEndpoint } from "./session";

/** Where Home Assistant serves its MCP server (integration `mcp_server`), below its base URL. */
export const HA_MCP_PATH = "/api/mcp";
/** The prompt Home Assistant's MCP server offers: the Assist prompt, listing the exposed entities. */
export const HA_PROMPT = "Assist";
/** How the Home Assistant nodes reach Home Assistant when Node-RED runs as its add-on. */
export const SUPERVISOR_URL = "http://supervisor/core";
const SUPERVISOR_HOSTS = ["http://hassio/homeassistant", SUPERVISOR_URL];

export interface HaServerSettings {
  host?: string;
  access_token?: string;
  addon?: boolean;
}

export function haEndpoint(server: HaServerSettings, env: NodeJS.ProcessEnv = process.env): { url: string; token: string } {
  const host = String(server.host ?? "").trim();
  if (server.addon || SUPERVISOR_HOSTS.includes(host)) {
    if (!env.SUPERVISOR_TOKEN) throw new ClaudeError("errors.mcp-no-supervisor-token", {}, "invalid_config");
    return { url: SUPERVISOR_URL + HA_MCP_PATH, token: env.SUPERVISOR_TOKEN };
  }
  if (!host || !server.access_token) throw new ClaudeError("errors.mcp-ha-incomplete", {}, "invalid_config");
  return { url: host.replace(/\/+$/, "") + HA_MCP_PATH, token: server.access_token };
}

export function httpEndpoint(url: string, token: string | undefined, headers: Record<string, string>): McpEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ClaudeError("errors.mcp-bad-url", { url }, "invalid_config");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ClaudeError("errors.mcp-bad-url", { url }, "invalid_config");
  return { kind: "http", url: parsed.href, headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } };
}

/** "Name: value" lines (empty lines ignored). */
export function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of String(text ?? "").split(/\r?\n/)) {
    if (!line.trim()) continue;
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim() : "";
    if (!HEADER_NAME.test(name)) throw new ClaudeError("errors.mcp-bad-header", { line: name || line.trim().slice(0, 20) }, "invalid_config");
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A command line split into the program and its arguments; quotes keep spaces, no shell runs. */
export function stdioEndpoint(commandLine: string, cwd?: string): McpEndpoint {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of String(commandLine ?? "").matchAll(pattern)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]));
  if (!words.length) throw new ClaudeError("errors.mcp-no-command", {}, "invalid_config");
  const [command, ...args] = words;
  return { kind: "stdio", command, args, ...(cwd ? { cwd } : {}) };
}
