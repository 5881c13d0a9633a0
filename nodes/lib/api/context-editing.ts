// Context management by the API: what a conversation asks the API to do when its history is full
// (summarise older turns into a compaction block, or clear old tool results and thinking), and the
// beta headers that go with it. What compactions cost is counted in usage.ts. Pure: no Node-RED here.
import type {
  BetaClearThinking20251015Edit,
  BetaClearToolUses20250919Edit,
  BetaCompact20260112Edit,
  BetaContextManagementConfig,
} from "@anthropic-ai/sdk/resources/beta/messages/messages";
import type { AnthropicBeta } from "@anthropic-ai/sdk/resources/beta/beta";
import type { ModelCapabilities } from "@anthropic-ai/sdk/resources/models";
import { HISTORY_MODES } from "../defaults";

/** What a conversation does when its history is full: drop old turns, let the API summarise them, or let it clear old tool results. */
export type HistoryMode = (typeof HISTORY_MODES)[number];

export type ContextEdit = NonNullable<BetaContextManagementConfig["edits"]>[number];

/** The API's lowest compaction trigger in input tokens. */
export const COMPACTION_MIN_TRIGGER = 50_000;
/** Tool uses whose results stay when old ones are cleared: the current exchange usually needs them. */
export const KEEP_TOOL_USES = 3;
/** Clearing changes the prompt's prefix (the cache is written again), so it clears at least this share of the cap at once. */
export const CLEAR_AT_LEAST_SHARE = 0.25;

/** The beta each edit type needs; requests with edits go through the SDK's beta client. */
const BETA_OF: Record<ContextEdit["type"], AnthropicBeta> = {
  compact_20260112: "compact-2026-01-12",
  clear_tool_uses_20250919: "context-management-2025-06-27",
  clear_thinking_20251015: "context-management-2025-06-27",
};

export interface PlannedEdits {
  /** The edits to send; empty when the API does nothing and old turns are dropped instead. */
  edits: ContextEdit[];
  /** Set when the mode asked for needs what this model does not take (the node warns, and trims). */
  unsupported?: HistoryMode;
}

function takes(capabilities: ModelCapabilities | null | undefined, type: ContextEdit["type"]): boolean {
  // Without the model's entry every option is sent as set (the API is the judge), as elsewhere.
  if (!capabilities) return true;
  return capabilities.context_management?.supported === true && capabilities.context_management[type]?.supported === true;
}

/**
 * The edits for a request of a conversation in `mode`, whose history may fill `cap` tokens (the
 * token cap, see token-cap.ts). `thinking`: the request thinks (clearing thinking needs it).
 */
export function planEdits(mode: HistoryMode, cap: number, thinking: boolean, capabilities: ModelCapabilities | null | undefined): PlannedEdits {
  if (mode === "compact") {
    if (!takes(capabilities, "compact_20260112")) return { edits: [], unsupported: mode };
    const edit: BetaCompact20260112Edit = { type: "compact_20260112", trigger: { type: "input_tokens", value: Math.max(COMPACTION_MIN_TRIGGER, cap) } };
    return { edits: [edit] };
  }
  if (mode === "clear") {
    if (!takes(capabilities, "clear_tool_uses_20250919") || cap <= 0) return { edits: [], unsupported: mode };
    const edits: ContextEdit[] = [];
    // The API wants the thinking edit first.
    if (thinking && takes(capabilities, "clear_thinking_20251015")) {
      const clearThinking: BetaClearThinking20251015Edit = { type: "clear_thinking_20251015", keep: { type: "thinking_turns", value: 1 } };
      edits.push(clearThinking);
    }
    const clearTools: BetaClearToolUses20250919Edit = {
      type: "clear_tool_uses_20250919",
      trigger: { type: "input_tokens", value: cap },
      keep: { type: "tool_uses", value: KEEP_TOOL_USES },
      clear_at_least: { type: "input_tokens", value: Math.ceil(cap * CLEAR_AT_LEAST_SHARE) },
    };
    edits.push(clearTools);
    return { edits };
  }
  return { edits: [] };
}

/** The betas a request's edits need, each once. */
export function betasFor(edits: readonly ContextEdit[]): AnthropicBeta[] {
  return [...new Set(edits.map((edit) => BETA_OF[edit.type]))];
}
