// The one place that turns failures into what a flow sees: a catalog key for a clear message,
// and msg.error = { message, type, status, request_id, code }.
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
import type { ErrorResponse } from "@anthropic-ai/sdk/resources/shared";

export interface FlowError {
  /** Message catalog key and its parameters. */
  key: string;
  params: Record<string, unknown>;
  type: string;
  status?: number;
  request_id?: string;
  /** The API's stable code for the cause (`error.details.error_code`), when it gave one. */
  code?: string;
  details?: Record<string, unknown>;
}

/**
 * A failure of the package's own making (bad input, bad options, a schema that cannot be used...):
 * a catalog key with its parameters, and `type` for msg.error.type.
 */
export class ClaudeError extends Error {
  /** `details` are added to msg.error as they are, for flows to act on (e.g. `validation`). */
  constructor(readonly key: string, readonly params: Record<string, unknown> = {}, readonly type = "invalid_input", readonly details?: Record<string, unknown>) {
    super(key);
  }
}

export function describeError(err: unknown): FlowError {
  if (err instanceof ClaudeError) return { key: err.key, params: err.params, type: err.type, ...(err.details ? { details: err.details } : {}) };
  if (err instanceof APIUserAbortError) return { key: "errors.aborted", params: {}, type: "aborted" };
  if (err instanceof APIConnectionTimeoutError) return { key: "errors.timeout", params: {}, type: "timeout" };
  if (err instanceof APIConnectionError) return { key: "errors.connection", params: { detail: causeText(err) }, type: "connection_error" };
  if (err instanceof APIError) return describeApiError(err);
  // JSON.parse failing on what came back: not the API's wire format (a proxy's page, a broken event).
  if (err instanceof SyntaxError || (err as any)?.cause instanceof SyntaxError) return { key: "errors.bad-response", params: {}, type: "invalid_response" };
  const message = err instanceof Error ? err.message : String(err);
  // The SDK's stream reader and the fetch underneath say these in plain errors, with no typed field.
  // A 200 whose body held no events at all: a proxy's page rather than the API.
  if (/without sending any chunks/i.test(message)) return { key: "errors.empty-stream", params: {}, type: "invalid_response" };
  // A stream that ends before the message does.
  if (/stream ended|premature close|terminated|other side closed/i.test(message)) return { key: "errors.stream-cut", params: {}, type: "stream_error" };
  return { key: "errors.unexpected", params: { detail: message }, type: "error" };
}

/** From the SDK's typed fields: class (HTTP status), `type`, `errorCode`, `apiMessage`, `requestID`. */
function describeApiError(err: APIError): FlowError {
  const type = err.type ?? "api_error";
  const detail = err.apiMessage ?? err.message;
  const base: Omit<FlowError, "key" | "params"> = {
    type,
    status: err.status,
    // An error event inside a stream has no headers; its body carries the id.
    request_id: err.requestID ?? (err.error as ErrorResponse | undefined)?.request_id ?? undefined,
    ...(err.errorCode ? { code: err.errorCode } : {}),
  };
  if (err instanceof AuthenticationError) return { ...base, key: "errors.unauthorized", params: {} };
  if (err instanceof PermissionDeniedError) return { ...base, key: "errors.forbidden", params: { detail } };
  if (err instanceof NotFoundError) {
    // No code names a missing model; the API's text does ("model: claude-..."), most likely a retired one.
    const model = /^model:\s*(\S+)/i.exec(detail)?.[1];
    return model ? { ...base, key: "errors.model-not-found", params: { model } } : { ...base, key: "errors.not-found", params: { detail } };
  }
  if (err instanceof ContentTooLargeError) return { ...base, key: "errors.too-large", params: {} };
  if (err instanceof RateLimitError) return { ...base, key: "errors.rate-limited", params: { detail } };
  if (err.status === 529 || type === "overloaded_error") return { ...base, key: "errors.overloaded", params: {} };
  // An `error` event inside a 200 stream: typed, but without an HTTP status.
  if (err.status === undefined) return { ...base, key: "errors.stream-failed", params: { detail } };
  if (err.status >= 500) return { ...base, key: "errors.server", params: { status: err.status, detail } };
  // No code names a prompt over the context window either; an invalid_request_error says so in words.
  if (type === "invalid_request_error" && /prompt is too long/i.test(detail)) return { ...base, key: "errors.prompt-too-long", params: { detail } };
  return { ...base, key: "errors.api", params: { status: err.status, detail } };
}

function causeText(err: Error): string {
  const cause = (err as any).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

export { holdsSecret, redact, redactDeep, type Secrets } from "./redact";
