// What went wrong with an MCP server, as a catalog key: the server cannot be reached, refused the
// token, took too long, exited too often, answered with an error, or the node was stopped.
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { DeadlineError, StoppedError } from "./deadline";
import { GaveUpError } from "./session";

export interface McpProblem {
  kind: "stopped" | "timeout" | "unauthorized" | "unreachable" | "gave_up" | "server" | "other";
  key: string;
  params: Record<string, unknown>;
}

export function describeMcpError(err: unknown): McpProblem {
  if (err instanceof StoppedError) return { kind: "stopped", key: "errors.mcp-stopped", params: {} };
  if (err instanceof DeadlineError || (err instanceof McpError && err.code === ErrorCode.RequestTimeout)) return { kind: "timeout", key: "errors.mcp-timeout", params: {} };
  if (err instanceof GaveUpError) return { kind: "gave_up", key: "errors.mcp-gave-up", params: { count: err.exits } };
  const status = err instanceof StreamableHTTPError || err instanceof SseError ? err.code : undefined;
  if (err instanceof UnauthorizedError || status === 401 || status === 403) return { kind: "unauthorized", key: "errors.mcp-unauthorized", params: { status: status ?? 401 } };
  if (status !== undefined) return { kind: "unreachable", key: "errors.mcp-http", params: { status, detail: firstLine(err) } };
  const cause = causeCode(err);
  if (cause) return { kind: "unreachable", key: "errors.mcp-unreachable", params: { detail: cause } };
  if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) return { kind: "unreachable", key: "errors.mcp-connection-closed", params: {} };
  if (err instanceof McpError) return { kind: "server", key: "errors.mcp-server-error", params: { detail: firstLine(err) } };
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) return { kind: "unreachable", key: "errors.mcp-unreachable", params: { detail: firstLine(err.cause ?? err) } };
  return { kind: "other", key: "errors.mcp-other", params: { detail: firstLine(err) } };
}

/** The system error code (ECONNREFUSED, ENOTFOUND, …) somewhere in the chain of causes. */
function causeCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined, depth = 0; e && depth < 6; depth++) {
    if (typeof e.code === "string") return e.code;
    if (Array.isArray(e.errors) && typeof (e.errors[0] as { code?: unknown })?.code === "string") return (e.errors[0] as { code: string }).code;
    e = e.cause as typeof e;
  }
  return undefined;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0].slice(0, 300);
}
