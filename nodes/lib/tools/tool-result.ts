// What a tool result node sends back to Claude: a string as it is, content blocks (text, image,
// document, search_result) as blocks, anything else as JSON, an image or PDF Buffer as an image or
// document block. Huge text is cut, and Claude is told so.
import type { ToolResultBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { ClaudeError } from "../errors";
import { API_LIMITS, sniffType } from "../content/attachments";
import { TOOL_RESULT_BLOCKS, isBlockLike } from "../content/block-types";
import { checkBlock, isBlockList } from "../content/content";

export const MAX_RESULT_CHARS = 100_000;

export interface ResultTexts {
  /** Added to text that was cut. */
  cut: (shown: number, total: number) => string;
  /** Sent when the flow returned nothing, since Claude needs some content. */
  empty: string;
}

export interface ToolAnswer {
  content: NonNullable<ToolResultBlockParam["content"]>;
  isError: boolean;
  /** What msg.claude.tool_calls shows as the result. */
  summary: unknown;
}

function capped(text: string, texts: ResultTexts, max: number): string {
  if (!text.trim()) return texts.empty;
  return text.length > max ? text.slice(0, max) + texts.cut(max, text.length) : text;
}

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    throw new ClaudeError("errors.tool-result-unserialisable", {}, "invalid_result");
  }
}

/** The content of a tool_result block for a flow's value. */
export function resultContent(value: unknown, texts: ResultTexts, max = MAX_RESULT_CHARS): Pick<ToolAnswer, "content" | "summary"> {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    const type = sniffType(bytes);
    if (type && type !== "application/pdf") {
      if (bytes.length > API_LIMITS.imageBytes) throw new ClaudeError("errors.tool-result-image-too-large", { bytes: bytes.length, max: API_LIMITS.imageBytes }, "invalid_result");
      return { content: [{ type: "image", source: { type: "base64", media_type: type, data: bytes.toString("base64") } }], summary: { type: "image", media_type: type, bytes: bytes.length } };
    }
    if (type === "application/pdf") {
      return { content: [{ type: "document", source: { type: "base64", media_type: type, data: bytes.toString("base64") } }], summary: { type: "document", media_type: type, bytes: bytes.length } };
    }
    const text = capped(bytes.toString("utf8"), texts, max);
    return { content: text, summary: text };
  }
  // Only real content blocks are blocks: other objects with a `type` (an event, a state) are data.
  const blocks = Array.isArray(value) && isBlockList(value, false) ? value : isBlockLike(value) ? [value] : undefined;
  if (blocks) {
    const content = blocks.map((block, index) => checkBlock(block, index, (type) => TOOL_RESULT_BLOCKS[type]));
    return { content: content as Exclude<ToolAnswer["content"], string>, summary: content };
  }
  const text = capped(asText(value), texts, max);
  return { content: text, summary: text };
}

/** The error text of msg.error as a Catch node or another node left it. */
export function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null || error === false) return undefined;
  if (typeof error === "string") return error;
  if (typeof error === "object" && typeof (error as any).message === "string") return (error as any).message;
  return asText(error);
}
