// Turns what a flow sends into the content of a user message the API will accept.
import type { ContentBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { ClaudeNodeError } from "./errors";

const INPUT_BLOCK_TYPES = new Set(["text", "image", "document"]);

/** An empty string means "no text": the API rejects blank text blocks, so they are caught here. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);
}

function checkBlock(block: any, index: number): ContentBlockParam {
  if (typeof block === "string") {
    if (!block.trim()) throw new ClaudeNodeError("errors.blank-block", { index });
    return { type: "text", text: block };
  }
  if (!block || typeof block !== "object" || !INPUT_BLOCK_TYPES.has(block.type)) {
    throw new ClaudeNodeError("errors.bad-block", { index, type: block?.type ?? typeof block });
  }
  if (block.type === "text" && (typeof block.text !== "string" || !block.text.trim())) throw new ClaudeNodeError("errors.blank-block", { index });
  if ((block.type === "image" || block.type === "document") && (!block.source || typeof block.source !== "object")) {
    throw new ClaudeNodeError("errors.bad-block", { index, type: block.type });
  }
  return block as ContentBlockParam;
}

/**
 * Text as it is; numbers and booleans as text; an array of text/image/document blocks (or strings);
 * a single block object; any other object as JSON. Blank input is an error.
 */
export function toUserContent(input: unknown): string | ContentBlockParam[] {
  if (isBlank(input)) throw new ClaudeNodeError("errors.empty-input");
  if (typeof input === "string") return input;
  if (typeof input === "number" || typeof input === "boolean" || typeof input === "bigint") return String(input);
  if (Buffer.isBuffer(input)) throw new ClaudeNodeError("errors.binary-input");
  if (Array.isArray(input)) return input.map(checkBlock);
  if (typeof input === "object" && typeof (input as any).type === "string") return [checkBlock(input, 0)];
  try {
    return JSON.stringify(input);
  } catch {
    throw new ClaudeNodeError("errors.unserialisable-input");
  }
}

const MAX_ID_LENGTH = 256;

/** Conversation ids are strings; numbers (such as Telegram chat ids) are taken as their text. */
export function conversationIdFrom(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.length <= MAX_ID_LENGTH) return value;
  throw new ClaudeNodeError("errors.bad-conversation-id", { max: MAX_ID_LENGTH });
}
