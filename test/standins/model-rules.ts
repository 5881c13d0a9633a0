// What a model's entry says and what the real API does with it: requests the model cannot take are
// refused with a 400 (max tokens above its maximum, a thinking type, effort level or server tool
// version it does not take), and thinking is shaped as the model does it (thinking by default when
// the request leaves thinking out, thinking text omitted unless summarized display is asked for).
import type { ModelEntry } from "./anthropic-standin";

export type EffortLevel = "low" | "medium" | "high" | "xhigh" | "max";
const LEVELS: EffortLevel[] = ["low", "medium", "high", "xhigh", "max"];

/** Per level: true or false as the API reports it, null where it reports nothing (not supported). */
export function effortLevels(m: ModelEntry): Record<EffortLevel, boolean | null> {
  const levels = Object.fromEntries(LEVELS.map((level) => [level, level === "xhigh" ? null : !!m.effort])) as Record<EffortLevel, boolean | null>;
  return { ...levels, ...m.effortLevels };
}

/** Whether the entry reports the tool at all (any version of it). */
export function takesServerTool(m: ModelEntry, tool: "web_search" | "code_execution"): boolean {
  return m.serverToolVersions ? m.serverToolVersions.some((v) => v.startsWith(`${tool}_`)) : true;
}

/** The 400 message the real API gives for what this model cannot take, if anything. */
export function modelRequestProblem(m: ModelEntry, body: any): string | undefined {
  if (typeof body?.max_tokens === "number" && body.max_tokens < 1) return "max_tokens: Input should be greater than or equal to 1";
  const maximum = m.max_tokens ?? 64000;
  if (typeof body?.max_tokens === "number" && body.max_tokens > maximum) {
    return `max_tokens: ${body.max_tokens} > ${maximum}, which is the maximum allowed number of output tokens for ${m.id}`;
  }
  const thinking = body?.thinking;
  if (thinking) {
    if (thinking.type === "adaptive" && !m.adaptive) return `thinking.type: adaptive thinking is not supported on ${m.id}`;
    if (thinking.type === "enabled" && !m.enabledThinking) return `thinking.type.enabled is not supported for ${m.id}. Use thinking.type.adaptive instead.`;
    if (thinking.type === "disabled" && m.disabledThinking === false) return `thinking.type: disabled is not supported on ${m.id}`;
    if (thinking.display !== undefined && thinking.display !== null && !["summarized", "omitted"].includes(thinking.display)) {
      return `thinking.display: Input should be 'summarized' or 'omitted'`;
    }
  }
  const effort = body?.output_config?.effort;
  if (effort !== undefined && effortLevels(m)[effort as EffortLevel] !== true) return `output_config.effort: ${effort} is not supported on ${m.id}`;
  const versions = m.serverToolVersions;
  for (const [i, tool] of (Array.isArray(body?.tools) ? body.tools : []).entries()) {
    const type = String(tool?.type ?? "");
    if (versions && /^(web_search|web_fetch|code_execution)_\d{8}$/.test(type) && !versions.includes(type)) {
      return `tools.${i}: '${type}' is not supported on ${m.id}`;
    }
    const runsCode = /^(web_search|web_fetch)_2026\d{4}$/.test(type);
    if (m.directCallersOnly && runsCode && !(tool.allowed_callers ?? []).includes("direct")) {
      return `tools.${i}: ${m.id} does not support programmatic tool calling; set allowed_callers to ["direct"]`;
    }
  }
  return undefined;
}

/** The content the model answers with, as it shapes thinking for this request. */
export function shapeThinking(m: ModelEntry | undefined, content: any[] | undefined, body: any): any[] | undefined {
  if (!m) return content;
  let blocks = content;
  if (m.thinksByDefault && !body?.thinking && blocks && !blocks.some((b) => b.type === "thinking")) {
    blocks = [{ type: "thinking", thinking: "Thinking, since nobody said not to.", signature: "sig-default" }, ...blocks];
  }
  const display = body?.thinking?.display ?? (m.omitsThinking ? "omitted" : "summarized");
  if (display === "omitted" && blocks) blocks = blocks.map((b) => (b.type === "thinking" ? { ...b, thinking: "" } : b));
  return blocks;
}
