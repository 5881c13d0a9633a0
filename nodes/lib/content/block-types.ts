// The content block types of the SDK's request types, and which of them a flow may send. The lists
// are typed over the SDK's unions, so a block type or field the SDK adds or drops fails the build;
// test/lib/content/block-types.test.ts also compares them with the SDK's declarations.
import type { ContentBlockParam, ToolResultBlockParam } from "@anthropic-ai/sdk/resources/messages";

export type BlockType = ContentBlockParam["type"];
type ToolResultBlock = Exclude<NonNullable<ToolResultBlockParam["content"]>, string>[number];
export type ToolResultBlockType = ToolResultBlock["type"];

/** Where each block type of a request may stand: in user messages, assistant messages, or both. */
export const BLOCK_ROLES = {
  text: ["user", "assistant"],
  image: ["user"],
  document: ["user"],
  search_result: ["user"],
  thinking: ["assistant"],
  redacted_thinking: ["assistant"],
  tool_use: ["assistant"],
  tool_result: ["user"],
  server_tool_use: ["assistant"],
  web_search_tool_result: ["assistant"],
  web_fetch_tool_result: ["assistant"],
  code_execution_tool_result: ["assistant"],
  bash_code_execution_tool_result: ["assistant"],
  text_editor_code_execution_tool_result: ["assistant"],
  tool_search_tool_result: ["assistant"],
  container_upload: ["user"],
} as const satisfies Record<BlockType, ReadonlyArray<"user" | "assistant">>;

/** The blocks a flow may send in msg.payload (the rest belong to Claude's answers and the tool loop). */
export type InputBlockType = "text" | "image" | "document" | "search_result";
type FieldsOf<T extends BlockType> = keyof Extract<ContentBlockParam, { type: T }>;

/** The fields the API takes on each input block; any other is a 400 ("Extra inputs are not permitted"). */
export const INPUT_BLOCK_FIELDS: { readonly [T in InputBlockType]: ReadonlyArray<FieldsOf<T>> } = {
  text: ["type", "text", "cache_control", "citations"],
  image: ["type", "source", "cache_control", "transformations"],
  document: ["type", "source", "title", "context", "citations", "cache_control"],
  search_result: ["type", "source", "title", "content", "citations", "cache_control"],
};

/** Which blocks of a tool result's content a flow may send back as blocks. */
export const TOOL_RESULT_BLOCKS = {
  text: true,
  image: true,
  document: true,
  search_result: true,
  // Produced by the API's own tools, never by a flow.
  tool_reference: false,
  browser_state: false,
} as const satisfies Record<ToolResultBlockType, boolean>;

const KNOWN = new Set<string>([...Object.keys(BLOCK_ROLES), ...Object.keys(TOOL_RESULT_BLOCKS)]);
const INPUT = new Set<string>(Object.keys(INPUT_BLOCK_FIELDS));

/** An object whose `type` is a content block type of the API; any other object is data. */
export function isBlockLike(value: unknown): value is { type: BlockType } & Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value) && typeof (value as any).type === "string" && KNOWN.has((value as any).type);
}

export function isInputBlockType(type: string): type is InputBlockType {
  return INPUT.has(type);
}

/** The block types named in errors, in the order the lists give them. */
export const INPUT_BLOCK_NAMES = Object.keys(INPUT_BLOCK_FIELDS).join(", ");
