// Every default and list a dialog shows, written once. The runtime reads them here; a test holds
// each node's editor HTML (its `defaults` and lists) to the same values.

/** The effort levels the API knows, lowest first. */
export const EFFORT_LEVELS = ["low", "medium", "high", "xhigh", "max"] as const;

/** The API's rule for tool names. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The input schema of a tool that takes no input. */
export const EMPTY_SCHEMA: Readonly<Record<string, unknown>> = Object.freeze({ type: "object", properties: Object.freeze({}) });

/** The account (claude-config): model options, client settings and cost guard limits (0 = none). */
export const ACCOUNT_DEFAULTS = Object.freeze({
  model: "claude-haiku-4-5",
  maxTokens: 3000,
  thinking: "off",
  thinkingBudget: 1024,
  effort: "",
  caching: "conversation",
  cacheTtl: "5m",
  timeout: 600,
  retries: 2,
  maxConcurrent: 0,
  maxToolRounds: 0,
  maxTurnTokens: 0,
  maxDailyTokens: 0,
  webSearchMaxUses: 5,
  webFetchMaxUses: 5,
});

/** What a conversation does when its history is full: drop old turns, or let the API summarise them or clear old tool results. */
export const HISTORY_MODES = ["trim", "compact", "clear"] as const;

/** The conversation's memory and tool loop. */
export const CONVERSATION_DEFAULTS = Object.freeze({
  idleMinutes: 30,
  maxMessages: 40,
  maxHistoryTokens: 50000,
  historyMode: "trim" as (typeof HISTORY_MODES)[number],
  memoryTool: false,
  maxRounds: 10,
  /** Milliseconds between two partial messages of the stream output: a few a second, not one per token. */
  streamInterval: 250,
  /** More tools than this are offered through tool search (Home Assistant: "useful above 30–50"). */
  toolSearch: 30,
});

/** A tool node: seconds a call may wait for its result, and the schema a new tool starts with. */
export const TOOL_DEFAULTS = Object.freeze({
  timeout: 30,
  schema: JSON.stringify(EMPTY_SCHEMA, null, 2),
});

/** An MCP server node: Home Assistant first, with its Assist prompt; calls wait as long as a tool node's. */
export const MCP_DEFAULTS = Object.freeze({
  connection: "ha",
  timeout: TOOL_DEFAULTS.timeout,
  addInstructions: true,
});
