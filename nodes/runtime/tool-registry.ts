// The one registry of tool calls waiting for a result, shared by the tool and tool result nodes.
import { PendingCalls } from "../lib/tools/tool-calls";
import type { ToolAnswer } from "../lib/tools/tool-result";

export const pendingToolCalls = new PendingCalls<ToolAnswer>();
