// Requests the API cannot take are refused before they are uploaded: a body over the API's 32 MB,
// or text that cannot fit in the model's context window however it is split into tokens.
import type { MessageCreateParamsBase } from "@anthropic-ai/sdk/resources/messages";
import { ClaudeError } from "../errors";

/** The Messages API's largest request body. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/**
 * More characters per token than any real text averages (English is about 4): text longer than the
 * context window times this cannot fit, and the API would answer "prompt is too long" after the upload.
 */
export const MAX_CHARS_PER_TOKEN = 8;

/** A size as the errors show it: "36.0 MB". */
export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Throws errors.request-too-large when the request cannot be taken; `maxInputTokens` from the models endpoint. */
export function checkRequestSize(params: MessageCreateParamsBase, maxInputTokens?: number | null): void {
  const body = JSON.stringify(params);
  // Characters as a quick bound first: the byte count is needed only near the limit.
  const bytes = body.length * 3 < MAX_REQUEST_BYTES ? body.length : Buffer.byteLength(body);
  if (bytes > MAX_REQUEST_BYTES) {
    throw new ClaudeError("errors.request-too-large", { size: megabytes(bytes), max: megabytes(MAX_REQUEST_BYTES) }, "request_too_large");
  }
  if (!maxInputTokens) return;
  const chars = textLength(params);
  if (chars > maxInputTokens * MAX_CHARS_PER_TOKEN) {
    throw new ClaudeError("errors.text-too-long", { chars, tokens: maxInputTokens }, "request_too_large");
  }
}

/** Characters of text in the system prompt and the messages (text blocks and plain-text documents). */
function textLength(params: MessageCreateParamsBase): number {
  let chars = 0;
  const add = (block: any) => {
    if (typeof block === "string") chars += block.length;
    else if (block?.type === "text" && typeof block.text === "string") chars += block.text.length;
    else if (block?.type === "document" && block.source?.type === "text" && typeof block.source.data === "string") chars += block.source.data.length;
  };
  if (Array.isArray(params.system)) params.system.forEach(add);
  else add(params.system);
  for (const message of params.messages) {
    if (Array.isArray(message.content)) message.content.forEach(add);
    else add(message.content);
  }
  return chars;
}
