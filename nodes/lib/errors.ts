// The one place that turns failures into what a flow sees: a catalog key for a clear message,
// and msg.error = { message, type, status, request_id }.
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  ContentTooLargeError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import { OptionsError } from "./api/options";

export interface FlowError {
  /** Message catalog key and its parameters. */
  key: string;
  params: Record<string, unknown>;
  type: string;
  status?: number;
  request_id?: string;
  details?: Record<string, unknown>;
}

/** A failure of the node's own making, with a catalog key; `type` says what kind for msg.error.type. */
export class ClaudeNodeError extends Error {
  /** `details` are added to msg.error as they are, for flows to act on (e.g. `validation`). */
  constructor(readonly key: string, readonly params: Record<string, unknown> = {}, readonly type = "invalid_input", readonly details?: Record<string, unknown>) {
    super(key);
  }
}

export function describeError(err: unknown): FlowError {
  if (err instanceof OptionsError) return { key: err.key, params: err.params, type: "invalid_options" };
  if (err instanceof ClaudeNodeError) return { key: err.key, params: err.params, type: err.type, ...(err.details ? { details: err.details } : {}) };
  if (err instanceof APIUserAbortError) return { key: "errors.aborted", params: {}, type: "aborted" };
  if (err instanceof APIConnectionTimeoutError) return { key: "errors.timeout", params: {}, type: "timeout" };
  if (err instanceof APIConnectionError) return { key: "errors.connection", params: { detail: causeText(err) }, type: "connection_error" };
  if (err instanceof APIError) {
    const apiType = (err.error as any)?.error?.type ?? (err as any).type ?? "api_error";
    const detail = (err.error as any)?.error?.message ?? err.message;
    const base = { type: apiType, status: err.status, request_id: err.requestID ?? (err.error as any)?.request_id ?? undefined };
    if (err instanceof AuthenticationError) return { ...base, key: "errors.unauthorized", params: {} };
    if (err instanceof PermissionDeniedError) return { ...base, key: "errors.forbidden", params: { detail } };
    if (err instanceof NotFoundError) {
      // The API names the model it does not know ("model: claude-..."): most likely a retired one.
      const model = /^model:\s*(\S+)/i.exec(String(detail))?.[1];
      return model ? { ...base, key: "errors.model-not-found", params: { model } } : { ...base, key: "errors.not-found", params: { detail } };
    }
    if (err instanceof ContentTooLargeError) return { ...base, key: "errors.too-large", params: {} };
    if (err instanceof RateLimitError) return { ...base, key: "errors.rate-limited", params: { detail } };
    if (err.status === 529 || apiType === "overloaded_error") return { ...base, key: "errors.overloaded", params: {} };
    if (err.status === undefined) return { ...base, key: "errors.stream-failed", params: { detail } };
    if (err.status >= 500) return { ...base, key: "errors.server", params: { status: err.status, detail } };
    if (/prompt is too long/i.test(String(detail))) return { ...base, key: "errors.prompt-too-long", params: { detail } };
    return { ...base, key: "errors.api", params: { status: err.status, detail } };
  }
  // JSON.parse failing on what came back: not the API's wire format (a proxy's page, a broken event).
  if (err instanceof SyntaxError || (err as any)?.cause instanceof SyntaxError) return { key: "errors.bad-response", params: {}, type: "invalid_response" };
  const message = err instanceof Error ? err.message : String(err);
  // A 200 whose body held no events at all: a proxy's page rather than the API.
  if (/without sending any chunks/i.test(message)) return { key: "errors.empty-stream", params: {}, type: "invalid_response" };
  // The SDK says this when a stream ends before the message does.
  if (/stream ended|premature close|terminated|other side closed/i.test(message)) return { key: "errors.stream-cut", params: {}, type: "stream_error" };
  return { key: "errors.unexpected", params: { detail: message }, type: "error" };
}

function causeText(err: Error): string {
  const cause = (err as any).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

export { holdsSecret, redact, redactDeep, type Secrets } from "./redact";
