// The one registry of tool calls waiting for a result, shared by the tool and tool result nodes.
import { PendingCalls } from "../lib/tool-calls";
import type { ToolAnswer } from "../lib/tool-result";

export const pendingToolCalls = new PendingCalls<ToolAnswer>();
