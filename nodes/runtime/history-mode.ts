// A conversation node's "When full" setting at run time: the edits each request asks the API for
// (warning once per node and model when the model cannot do the chosen mode, which then trims), and
// what the API reports it did, for msg.claude.
import type { Node, NodeAPI } from "node-red";
import { planEdits, type HistoryMode, type PlannedEdits } from "../lib/api/context-editing";
import type { ModelEntry } from "../lib/api/models";
import type { ModelOptions } from "../lib/api/options";
import { hasCompaction } from "../lib/conversation/compaction";
import type { TurnResult } from "../lib/conversation/turn";
import { t } from "./messages";
import { warnOnce } from "./warn-once";

/** The edits for this turn's requests; `cap` is the conversation's token cap. */
export function planHistory(RED: NodeAPI, node: Node, mode: HistoryMode, cap: number, options: ModelOptions, entry: ModelEntry | undefined): PlannedEdits {
  const plan = planEdits(mode, cap, options.thinking !== "off", entry?.capabilities);
  if (plan.unsupported) {
    const key = `warnings.history-mode-unsupported-${plan.unsupported}`;
    warnOnce(node, `${key} ${options.model}`, () => t(RED, key, { model: options.model }));
  }
  return plan;
}

/**
 * What the API did to the history in this turn: whether it summarised it, and what it cleared in the
 * last request (its counts only: nothing else a proxy might put there reaches the message).
 */
export function contextReport(result: TurnResult): { compacted: boolean; applied_edits: Array<Record<string, string | number>> } {
  const applied = (result.final as { context_management?: { applied_edits?: unknown } | null }).context_management?.applied_edits;
  const edits = (Array.isArray(applied) ? applied : []).map((edit) => {
    const counts: Record<string, string | number> = { type: /^[a-z0-9_]{1,64}$/.test(String(edit?.type)) ? String(edit.type) : "unknown" };
    for (const key of ["cleared_tool_uses", "cleared_thinking_turns", "cleared_input_tokens"]) if (Number.isFinite(edit?.[key])) counts[key] = edit[key];
    return counts;
  });
  return { compacted: hasCompaction(result.added), applied_edits: edits };
}
