// MCP's shapes to the API's: a server's tools to tool definitions the API accepts, a call's result
// to tool_result content. Conversions of single content blocks are the SDK's (helpers/beta/mcp).
import type { Tool, ToolResultBlockParam } from "@anthropic-ai/sdk/resources/messages";
import { mcpContent, UnsupportedMCPValueError } from "@anthropic-ai/sdk/helpers/beta/mcp";
import type { CallToolResult, Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import { toolInputSchema } from "../tools/tool-schema";
import { uniqueName } from "../tools/tools";
import { resultContent, type ResultTexts, type ToolAnswer } from "../tools/tool-result";
import { API_LIMITS } from "../content/attachments";

export interface OfferedTool {
  definition: Tool;
  /** The server's own name for the tool. */
  serverName: string;
}

export interface SkippedTool {
  name: string;
  reason: string;
}

/** The API's form of a name: characters it does not allow become "_", cut to 64 (a name the API takes stays as it is). */
export function apiToolName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "_";
}

/**
 * The allowed tools as the API takes them. A tool whose schema the API cannot take is skipped with
 * its reason; names the API would refuse are changed, and made unique again.
 */
export function offeredTools(tools: McpTool[], allowed: ReadonlySet<string>): { offered: OfferedTool[]; skipped: SkippedTool[] } {
  const offered: OfferedTool[] = [];
  const skipped: SkippedTool[] = [];
  const taken = new Set<string>();
  for (const tool of tools) {
    if (allowed.size && !allowed.has(tool.name)) continue;
    let input_schema: Tool.InputSchema;
    try {
      input_schema = toolInputSchema(tool.inputSchema as Record<string, unknown>);
    } catch (err) {
      skipped.push({ name: tool.name, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const name = uniqueName(apiToolName(tool.name), taken);
    taken.add(name);
    const description = tool.description ?? tool.title ?? tool.annotations?.title;
    offered.push({ serverName: tool.name, definition: { name, input_schema, ...(description ? { description } : {}) } });
  }
  return { offered, skipped };
}

export interface McpResultTexts extends ResultTexts {
  /** For content the API cannot take (audio, links to resources): says what was left out. */
  omitted: (type: string) => string;
}

type Block = Exclude<NonNullable<ToolResultBlockParam["content"]>, string>[number];

/**
 * A call's result as tool_result content: text, images and documents as blocks, structured content
 * as JSON when the server sent nothing else, and the server's isError kept.
 */
export function resultAnswer(result: CallToolResult, texts: McpResultTexts): ToolAnswer {
  const isError = result.isError === true;
  const items = Array.isArray(result.content) ? result.content : [];
  if (!items.length) {
    const { content, summary } = resultContent(result.structuredContent ?? "", texts);
    return { content, isError, summary: result.structuredContent ?? summary };
  }
  const blocks: Block[] = [];
  const summary: unknown[] = [];
  for (const item of items) {
    if (item.type === "text") {
      const { content } = resultContent(item.text, texts);
      blocks.push({ type: "text", text: content as string });
      summary.push(content);
      continue;
    }
    if (item.type === "image" && Buffer.byteLength(item.data, "base64") > API_LIMITS.imageBytes) {
      blocks.push({ type: "text", text: texts.omitted(item.type) });
      continue;
    }
    try {
      const block = mcpContent(item as Parameters<typeof mcpContent>[0]);
      blocks.push(block as Block);
      summary.push({ type: block.type, ...("source" in block && block.source && "media_type" in block.source ? { media_type: block.source.media_type } : {}) });
    } catch (err) {
      if (!(err instanceof UnsupportedMCPValueError)) throw err;
      blocks.push({ type: "text", text: texts.omitted(item.type) });
      summary.push({ type: item.type, omitted: true });
    }
  }
  return { content: blocks, isError, summary: result.structuredContent ?? (summary.length === 1 ? summary[0] : summary) };
}
