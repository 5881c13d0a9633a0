// The one place that turns model options and conversation parts into an SDK request.
import type {
  CacheControlEphemeral,
  MessageCreateParamsBase,
  MessageParam,
  OutputConfig,
  TextBlockParam,
  ToolChoice,
  ToolUnion,
} from "@anthropic-ai/sdk/resources/messages";
import type { ModelCapabilities } from "@anthropic-ai/sdk/resources/models";
import type { BetaContextManagementConfig } from "@anthropic-ai/sdk/resources/beta/messages/messages";
import type { ContextEdit } from "./context-editing";
import { withinBreakpointLimit } from "./cache-breakpoints";
import type { ModelOptions } from "./options";
import { modelSupport } from "./models";
import { newestVersions, type VersionChoice } from "./server-tool-versions";

export interface RequestParts {
  system?: string;
  messages: MessageParam[];
  /** Client tools (from tool nodes); server tools come from the options. */
  tools?: ToolUnion[];
  toolChoice?: ToolChoice;
  outputFormat?: OutputConfig["format"];
  /** Server tools are for conversations; one-shot tasks may leave them out. */
  serverTools?: boolean;
  /** What the API does when the history is full (compaction, clearing); see context-editing.ts. */
  contextEdits?: ContextEdit[];
}

/** A request as the account sends it: the Messages API's, plus context management (a beta, sent through the beta client). */
export type RequestParams = MessageCreateParamsBase & { context_management?: BetaContextManagementConfig };

/**
 * `capabilities` are what the models endpoint says the model takes; undefined when it could not be
 * asked (then every option is sent as set). Options are fitted to the model first (fitToModel).
 */
export function buildRequest(options: ModelOptions, parts: RequestParts, capabilities?: ModelCapabilities | null): RequestParams {
  const cache: CacheControlEphemeral = { type: "ephemeral", ...(options.cacheTtl === "1h" ? { ttl: "1h" } : {}) };
  const params: RequestParams = {
    model: options.model,
    max_tokens: options.maxTokens,
    messages: parts.messages,
  };
  const system = parts.system?.trim() ? parts.system : undefined;
  if (system) {
    // A breakpoint on the system block caches tools and system together (they come first in the prefix),
    // so every conversation that shares the instructions shares that cache entry.
    const block: TextBlockParam = { type: "text", text: system };
    params.system = options.caching === "off" ? system : [{ ...block, cache_control: cache }];
  }
  // The newest versions the model's entry allows; Account steps down where the API refuses one.
  const versions = newestVersions(capabilities);
  const tools = [...(parts.tools ?? []), ...(parts.serverTools === false ? [] : serverTools(options, versions))];
  if (tools.length) params.tools = tools;
  if (parts.toolChoice) params.tool_choice = parts.toolChoice;
  // "Whole conversation": the automatic breakpoint moves to the last block each turn, so the next
  // turn reads everything before it from cache.
  if (options.caching === "conversation") params.cache_control = cache;

  // Summarized display: some models omit thinking text by default, which leaves msg.claude.thinking empty.
  if (options.thinking === "adaptive") params.thinking = { type: "adaptive", display: "summarized" };
  else if (options.thinking === "budget") params.thinking = { type: "enabled", budget_tokens: options.thinkingBudget, display: "summarized" };
  // Off is said explicitly where the model takes it: left out, some models think by default.
  else if (capabilities?.thinking?.types?.disabled?.supported === true) params.thinking = { type: "disabled" };

  const output: OutputConfig = {};
  // A level only where the entry reports it supported (null is not); without an entry, none.
  if (options.effort && modelSupport(capabilities)?.effort.includes(options.effort)) output.effort = options.effort;
  if (parts.outputFormat) output.format = parts.outputFormat;
  if (Object.keys(output).length) params.output_config = output;
  if (parts.contextEdits?.length) params.context_management = { edits: parts.contextEdits };
  params.messages = withinBreakpointLimit(params);
  return params;
}

export function serverTools(options: ModelOptions, versions: VersionChoice = newestVersions(undefined)): ToolUnion[] {
  const tools: ToolUnion[] = [];
  const { webSearch, webFetch } = options;
  if (webSearch.enabled) {
    tools.push({
      type: versions.web_search as "web_search_20250305",
      name: "web_search",
      max_uses: webSearch.maxUses,
      ...(webSearch.allowedDomains.length ? { allowed_domains: webSearch.allowedDomains } : {}),
      ...(webSearch.location ? { user_location: { type: "approximate" as const, ...webSearch.location } } : {}),
    });
  }
  if (webFetch.enabled) tools.push({ type: versions.web_fetch as "web_fetch_20250910", name: "web_fetch", max_uses: webFetch.maxUses });
  if (options.codeExecution) tools.push({ type: versions.code_execution as "code_execution_20250825", name: "code_execution" });
  return tools;
}
