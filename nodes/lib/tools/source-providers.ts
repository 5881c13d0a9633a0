// A conversation's tool sources as tool providers for one turn: each source's tools under names
// unique across everything the conversation offers, and each call sent back to its source under
// the source's own name.
import type { Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolSource } from "./tool-source";
import type { CallOrigin, ToolProvider } from "./tools";

/** `name`, or `name_2`, `name_3`, … cut to the API's 64 characters, whichever is still free. */
export function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = name.slice(0, 64 - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `taken` holds the names already offered (tool nodes); it gains the sources' names. */
export async function sourceProviders(sources: ToolSource[], taken: Set<string>, signal: AbortSignal): Promise<ToolProvider[]> {
  const lists = await Promise.all(sources.map((source) => source.tools(signal)));
  const providers: ToolProvider[] = [];
  sources.forEach((source, i) => {
    for (const tool of lists[i]) {
      const toolName = uniqueName(tool.name, taken);
      taken.add(toolName);
      const definition: Tool = { ...tool, name: toolName };
      providers.push({
        toolName,
        definition: () => definition,
        invoke: async (call: ToolUseBlock, origin: CallOrigin, callSignal?: AbortSignal) => {
          const outcome = await source.call({ ...call, name: tool.name }, origin, callSignal ?? signal);
          // Claude and msg.claude.tool_calls know the tool by the name it was offered under.
          return { ...outcome, record: { ...outcome.record, name: toolName } };
        },
      });
    }
  });
  return providers;
}

/** The instructions the sources ask to add, in the order of the sources. */
export async function sourceInstructions(sources: ToolSource[], signal: AbortSignal): Promise<string[]> {
  const texts = await Promise.all(sources.map((s) => (s.instructions ? s.instructions(signal).catch(() => undefined) : undefined)));
  return texts.filter((t): t is string => !!t && !!t.trim());
}
