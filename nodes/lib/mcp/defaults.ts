/** Seconds an MCP tool call may take, as long as a tool node waits for its flow by default. */
export const DEFAULT_MCP_TIMEOUT_S = 30;
