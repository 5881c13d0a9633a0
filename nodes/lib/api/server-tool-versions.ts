// Which version of each server tool a request names. The newest the SDK knows comes first; the
// models endpoint only says whether a model takes a tool at all, so an older version is used where
// the entry rules the newer ones out (no code execution: no dynamic filtering), or where the API
// refused a newer one for that model.
import type { ToolUnion } from "@anthropic-ai/sdk/resources/messages";
import type { ModelInfo } from "@anthropic-ai/sdk/resources/models";

export type ServerToolName = "web_search" | "web_fetch" | "code_execution";

/** Newest first; every entry is a `type` of the SDK's ToolUnion. */
export const SERVER_TOOL_VERSIONS = {
  web_search: ["web_search_20260318", "web_search_20260209", "web_search_20250305"],
  web_fetch: ["web_fetch_20260318", "web_fetch_20260309", "web_fetch_20260209", "web_fetch_20250910"],
  code_execution: ["code_execution_20260521", "code_execution_20260120", "code_execution_20250825"],
} as const satisfies Record<ServerToolName, readonly ToolUnion["type"][]>;

/** Search and fetch versions that filter results by running code: they need a model with code execution. */
const RUNS_CODE = new Set<string>(["web_search_20260318", "web_search_20260209", "web_fetch_20260318", "web_fetch_20260309", "web_fetch_20260209"]);

export type VersionChoice = Record<ServerToolName, string>;

const NO_CODE_EXECUTION = { server_tools: { code_execution: { supported: false } }, code_execution: { supported: false } } as unknown as ModelInfo["capabilities"];

/** The newest versions the model's entry allows; without an entry, the newest. */
export function newestVersions(capabilities: ModelInfo["capabilities"] | undefined): VersionChoice {
  const codeExecution = !capabilities || capabilities.server_tools?.code_execution?.supported === true || capabilities.code_execution?.supported === true;
  const pick = (tool: ServerToolName) => SERVER_TOOL_VERSIONS[tool].find((v) => codeExecution || !RUNS_CODE.has(v)) as string;
  return { web_search: pick("web_search"), web_fetch: pick("web_fetch"), code_execution: pick("code_execution") };
}

/**
 * The choice with the refused version replaced by the next older one (or, when the API asks for
 * `allowed_callers`, the versions without code); undefined when `message` (the API's 400) is about
 * something else or the refused version is already the oldest.
 */
export function olderVersions<T extends Partial<VersionChoice>>(choice: T, message: string): T | undefined {
  for (const tool of Object.keys(choice) as ServerToolName[]) {
    const versions: readonly string[] = SERVER_TOOL_VERSIONS[tool];
    const current = choice[tool] ?? "";
    const index = versions.indexOf(current);
    if (index < 0 || index === versions.length - 1 || !message.includes(current)) continue;
    return { ...choice, [tool]: versions[index + 1] };
  }
  // Versions that run code are called from the sandbox; a model without that asks for `allowed_callers`
  // instead of naming the version: the versions without code are what it takes.
  if (/allowed_callers|programmatic/i.test(message)) {
    const withoutCode = newestVersions(NO_CODE_EXECUTION);
    const stepped = Object.fromEntries(Object.entries(choice).map(([tool, version]) => [tool, RUNS_CODE.has(String(version)) ? withoutCode[tool as ServerToolName] : version]));
    if (Object.keys(choice).some((tool) => stepped[tool] !== choice[tool as ServerToolName])) return stepped as T;
  }
  return undefined;
}

/** The server tool of a request's tools list, if `tool` is one. */
export function serverToolName(tool: { type?: string | null }): ServerToolName | undefined {
  const type = String(tool.type ?? "");
  return (Object.keys(SERVER_TOOL_VERSIONS) as ServerToolName[]).find((name) => type.startsWith(`${name}_`));
}

/** The server tool versions a tools list names. */
export function versionsIn(tools: ReadonlyArray<{ type?: string | null }> | undefined): Partial<VersionChoice> {
  const found: Partial<VersionChoice> = {};
  for (const tool of tools ?? []) {
    const name = serverToolName(tool);
    if (name) found[name] = String(tool.type);
  }
  return found;
}

/** The tools list with its server tools renamed to the chosen versions. */
export function withVersions<T extends { type?: string | null }>(tools: T[], choice: Partial<VersionChoice>): T[] {
  return tools.map((tool) => {
    const name = serverToolName(tool);
    return name && choice[name] && choice[name] !== tool.type ? ({ ...tool, type: choice[name] } as T) : tool;
  });
}
