// Request headers a gateway may need besides the API key (its own token, say). They are kept as a
// credential, never as a plain property, and their values are secrets like the key: redacted
// wherever the key is.

import { ClaudeError } from "../errors";

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Shorter values are not looked for in text (they would match ordinary words). */
export const MIN_SECRET_LENGTH = 8;

function headersError(detail: string): ClaudeError {
  return new ClaudeError("errors.bad-headers", { detail }, "invalid_options");
}

/** The headers from the credential's text, a JSON object of names and string values; empty text is none. */
export function parseExtraHeaders(text: string | undefined): Record<string, string> {
  if (!text?.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw headersError("not a JSON object");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw headersError("not a JSON object");
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(value)) {
    // The name is shown; the value never is.
    if (!HEADER_NAME.test(name)) throw headersError(`"${name.slice(0, 40)}" is not a header name`);
    if (typeof header !== "string" || /[\r\n\0]/.test(header)) throw headersError(`the value of "${name}" is not one line of text`);
    headers[name] = header.trim();
  }
  return headers;
}

/** The values to keep out of everything shown. */
export function headerSecrets(headers: Record<string, string>): string[] {
  return Object.values(headers).filter((v) => v.length >= MIN_SECRET_LENGTH);
}
