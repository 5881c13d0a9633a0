// Turns what a flow sends into the content of a user message the API will accept.
import type { ContentBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { IMAGE_TYPES, isHttpUrl } from "./attachments";
import { ClaudeError } from "../errors";

const INPUT_BLOCK_TYPES = new Set(["text", "image", "document"]);
/** The fields the API takes on each input block; any other is a 400 ("Extra inputs are not permitted"). */
const BLOCK_FIELDS: Record<string, Set<string>> = {
  text: new Set(["type", "text", "cache_control", "citations"]),
  image: new Set(["type", "source", "cache_control"]),
  document: new Set(["type", "source", "title", "context", "citations", "cache_control"]),
};
const IMAGE_MEDIA_TYPES = new Set<string>(IMAGE_TYPES);
const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}$/;

/** An empty string means "no text": the API rejects blank text blocks, so they are caught here. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);
}

/** Why the source of an image or document block would be refused, or undefined. */
function sourceProblem(type: string, source: any): string | undefined {
  if (!source || typeof source !== "object") return "it has no source";
  switch (source.type) {
    case "base64":
      if (typeof source.data !== "string" || !BASE64.test(source.data)) return "its data is not base64";
      if (type === "image" && !IMAGE_MEDIA_TYPES.has(source.media_type)) return `media type ${JSON.stringify(source.media_type)} is not image/jpeg, image/png, image/gif or image/webp`;
      if (type === "document" && source.media_type !== "application/pdf") return `media type ${JSON.stringify(source.media_type)} is not application/pdf`;
      return undefined;
    case "url":
      return typeof source.url === "string" && isHttpUrl(source.url) ? undefined : "its url is not an http(s) URL";
    case "file":
      return typeof source.file_id === "string" && source.file_id ? undefined : "it has no file_id";
    case "text":
      return type === "document" && typeof source.data === "string" && source.data.trim() ? undefined : "its text is empty";
    case "content":
      return type === "document" && (typeof source.content === "string" || Array.isArray(source.content)) ? undefined : "it has no content";
    default:
      return `source type ${JSON.stringify(source.type)} is unknown`;
  }
}

function checkBlock(block: any, index: number): ContentBlockParam {
  if (typeof block === "string") {
    if (!block.trim()) throw new ClaudeError("errors.blank-block", { index });
    return { type: "text", text: block };
  }
  if (!block || typeof block !== "object" || !INPUT_BLOCK_TYPES.has(block.type)) {
    throw new ClaudeError("errors.bad-block", { index, type: block?.type ?? typeof block });
  }
  const extra = Object.keys(block).find((field) => !BLOCK_FIELDS[block.type].has(field));
  if (extra) throw new ClaudeError("errors.block-field", { index, type: block.type, field: extra });
  if (block.type === "text" && (typeof block.text !== "string" || !block.text.trim())) throw new ClaudeError("errors.blank-block", { index });
  if (block.type === "image" || block.type === "document") {
    const problem = sourceProblem(block.type, block.source);
    if (problem) throw new ClaudeError("errors.bad-source", { index, type: block.type, problem });
  }
  return block as ContentBlockParam;
}

/**
 * Text as it is; numbers and booleans as text; an array of text/image/document blocks (or strings);
 * a single block object; any other object as JSON. Blank input is an error.
 */
export function toUserContent(input: unknown): string | ContentBlockParam[] {
  if (isBlank(input)) throw new ClaudeError("errors.empty-input");
  if (typeof input === "string") return input;
  if (typeof input === "number" || typeof input === "boolean" || typeof input === "bigint") return String(input);
  if (Buffer.isBuffer(input) || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) throw new ClaudeError("errors.binary-input");
  if (Array.isArray(input)) return input.map(checkBlock);
  if (typeof input === "object" && typeof (input as any).type === "string") return [checkBlock(input, 0)];
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch {
    throw new ClaudeError("errors.unserialisable-input");
  }
  // Functions and symbols have no JSON at all.
  if (typeof text !== "string") throw new ClaudeError("errors.unserialisable-input");
  return text;
}

const MAX_ID_LENGTH = 256;

/** Conversation ids are strings; numbers (such as Telegram chat ids) are taken as their text. */
export function conversationIdFrom(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.length <= MAX_ID_LENGTH) return value;
  throw new ClaudeError("errors.bad-conversation-id", { max: MAX_ID_LENGTH });
}
