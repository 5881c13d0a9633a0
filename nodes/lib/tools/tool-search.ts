// Many tools (a Home Assistant with many exposed scripts, several MCP servers) cost tokens on every
// request and make Claude choose worse. Above a threshold the tools are sent with deferred loading
// and Anthropic's tool search finds the ones a request needs, as Home Assistant's own integration does.
import type { ToolUnion } from "@anthropic-ai/sdk/resources/messages";
import { CONVERSATION_DEFAULTS } from "../defaults";
import { fixedName, type ClientTool } from "./tool-source";

/** Tools a conversation may have before tool search takes over. */
export const DEFAULT_TOOL_SEARCH_ABOVE = CONVERSATION_DEFAULTS.toolSearch;
/** Tools used in nearly every home request stay loaded, so simple requests need no search. */
export const ALWAYS_LOADED = ["HassTurnOn", "HassTurnOff", "GetLiveContext"];

/** Tool search is not offered on Haiku models (as in Home Assistant's integration). */
export function supportsToolSearch(model: string): boolean {
  return !/haiku/i.test(model);
}

/** The tools as sent: unchanged up to `above` tools (0: never search), else deferred plus the search tool. */
export function withToolSearch(tools: ClientTool[], model: string, above: number): ToolUnion[] {
  if (above <= 0 || tools.length <= above || !supportsToolSearch(model)) return tools;
  // Anthropic's client tools (the memory tool) stay loaded: Claude consults its memory at the start of a task.
  const deferred = tools.map((t): ClientTool => (fixedName(t) || ALWAYS_LOADED.includes(t.name) ? t : { ...t, defer_loading: true }));
  return [...deferred, { type: "tool_search_tool_bm25_20251119", name: "tool_search_tool_bm25" }];
}
