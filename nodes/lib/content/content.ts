// Turns what a flow sends into the content of a user message the API will accept.
import type { ContentBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { IMAGE_TYPES, isHttpUrl } from "./attachments";
import { INPUT_BLOCK_FIELDS, INPUT_BLOCK_NAMES, isBlockLike, isInputBlockType, type InputBlockType } from "./block-types";
import { ClaudeError } from "../errors";

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

/** Why a search_result block would be refused, or undefined. */
function searchResultProblem(block: any): string | undefined {
  if (typeof block.source !== "string" || !block.source.trim()) return "it has no source";
  if (typeof block.title !== "string" || !block.title.trim()) return "it has no title";
  const content = block.content;
  if (!Array.isArray(content) || !content.length) return "its content is not a list of text blocks";
  for (const part of content) {
    if (!part || typeof part !== "object" || part.type !== "text" || typeof part.text !== "string" || !part.text.trim()) return "its content is not a list of text blocks";
    const extra = Object.keys(part).find((field) => !(INPUT_BLOCK_FIELDS.text as readonly string[]).includes(field));
    if (extra) return `a text block of its content has the field ${JSON.stringify(extra)}`;
  }
  return undefined;
}

/** Checks one text, image, document or search_result block as the API would; strings become text blocks. */
export function checkBlock(block: any, index: number, allowed: (type: InputBlockType) => boolean = () => true): ContentBlockParam {
  if (typeof block === "string") {
    if (!block.trim()) throw new ClaudeError("errors.blank-block", { index });
    return { type: "text", text: block };
  }
  if (!block || typeof block !== "object" || typeof block.type !== "string" || !isInputBlockType(block.type) || !allowed(block.type)) {
    throw new ClaudeError("errors.bad-block", { index, type: block?.type ?? typeof block, types: INPUT_BLOCK_NAMES });
  }
  const type: InputBlockType = block.type;
  const fields: readonly string[] = INPUT_BLOCK_FIELDS[type];
  const extra = Object.keys(block).find((field) => !fields.includes(field));
  if (extra) throw new ClaudeError("errors.block-field", { index, type, field: extra });
  if (type === "text" && (typeof block.text !== "string" || !block.text.trim())) throw new ClaudeError("errors.blank-block", { index });
  const problem = type === "search_result" ? searchResultProblem(block) : type === "text" ? undefined : sourceProblem(type, block.source);
  if (problem) throw new ClaudeError("errors.bad-source", { index, type, problem });
  return block as ContentBlockParam;
}

/**
 * A list meant as content: it holds at least one content block (or, for user input, a string). Its
 * other items are then checked as blocks; a list of events or records without any is data.
 */
export function isBlockList(value: unknown[], strings = true): boolean {
  return value.some((item) => (strings && typeof item === "string") || isBlockLike(item));
}

/**
 * Text as it is; numbers and booleans as text; an array of text/image/document/search_result blocks
 * (or strings); a single block object; any other object or array as JSON (a Home Assistant event
 * `{type: "state_changed", …}` is data, not a block). Blank input is an error.
 */
export function toUserContent(input: unknown): string | ContentBlockParam[] {
  if (isBlank(input)) throw new ClaudeError("errors.empty-input");
  if (typeof input === "string") return input;
  if (typeof input === "number" || typeof input === "boolean" || typeof input === "bigint") return String(input);
  if (Buffer.isBuffer(input) || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) throw new ClaudeError("errors.binary-input");
  if (Array.isArray(input) && isBlockList(input)) return input.map((block, index) => checkBlock(block, index));
  if (isBlockLike(input)) return [checkBlock(input, 0)];
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
