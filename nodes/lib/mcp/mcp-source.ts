// An MCP server as a tool source of a conversation: the allowed tools of its session, offered as
// the API takes them; each call checked against what was offered, run under the tool timeout, and
// answered with the server's result or an error result Claude can read. Failures never hang a turn.
import type { Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../conversation/turn";
import type { ToolSource } from "../tools/tool-source";
import { errorOutcome, type CallOrigin } from "../tools/tools";
import { resultAnswer, offeredTools, type McpResultTexts, type OfferedTool } from "./convert";
import { describeMcpError, type McpProblem } from "./problems";
import type { McpSession } from "./session";

export interface McpSourceOptions {
  label: string;
  /** The tool names Claude may use; empty means all. */
  allowed: string[];
  /** Add the server's instructions (and chosen prompt) to the conversation's. */
  addInstructions: boolean;
  /** Seconds a call may take, for the message Claude gets when it took longer. */
  timeoutSeconds: number;
  /** Texts in the user's language, by catalog key. */
  text: (key: string, params: Record<string, unknown>) => string;
  resultTexts: McpResultTexts;
  /** Told of every failed call and of tools that cannot be offered. */
  warn: (text: string) => void;
  /** Removed from every text that leaves the source (the token). */
  secrets: string[];
}

export class McpToolSource implements ToolSource {
  readonly label: string;
  private readonly allowed: ReadonlySet<string>;
  private offered = new Map<string, OfferedTool>();
  private listed?: unknown;
  private warnedSkips = new Set<string>();

  constructor(private readonly session: McpSession, private readonly options: McpSourceOptions) {
    this.label = options.label;
    this.allowed = new Set(options.allowed);
  }

  async tools(signal: AbortSignal): Promise<Tool[]> {
    let list;
    try {
      list = await this.session.tools(signal);
    } catch (err) {
      // The turn goes on with the other sources' tools; the node says why these are missing.
      const problem = describeMcpError(err);
      this.options.warn(this.withOutput(this.text("warnings.mcp-no-tools", { server: this.label, detail: this.problemText(problem) }), problem));
      this.offered.clear();
      return [];
    }
    if (list !== this.listed) {
      const { offered, skipped } = offeredTools(list, this.allowed);
      this.offered = new Map(offered.map((o) => [o.definition.name, o]));
      this.listed = list;
      for (const s of skipped) {
        if (this.warnedSkips.has(s.name)) continue;
        this.warnedSkips.add(s.name);
        this.options.warn(this.text("warnings.mcp-tool-skipped", { server: this.label, name: s.name, detail: s.reason }));
      }
    }
    return [...this.offered.values()].map((o) => o.definition);
  }

  async call(call: ToolUseBlock, _origin: CallOrigin, signal: AbortSignal): Promise<ToolOutcome> {
    const tool = this.offered.get(call.name);
    // Only what was offered is called: anything else is refused here and never reaches the server.
    if (!tool) return errorOutcome(call, this.text("errors.mcp-tool-not-offered", { name: call.name, server: this.label }));
    const args = call.input && typeof call.input === "object" && !Array.isArray(call.input) ? (call.input as Record<string, unknown>) : {};
    try {
      const result = await this.session.call(tool.serverName, args, signal);
      const { content, isError, summary } = resultAnswer(result, this.options.resultTexts);
      return {
        block: { type: "tool_result", tool_use_id: call.id, content: this.clean(content), ...(isError ? { is_error: true } : {}) },
        record: { id: call.id, name: call.name, input: call.input, result: this.clean(summary), is_error: isError },
      };
    } catch (err) {
      const problem = describeMcpError(err);
      const message = this.text("errors.mcp-call-failed", { name: call.name, server: this.label, detail: this.problemText(problem) });
      if (problem.kind !== "stopped") this.options.warn(this.withOutput(message, problem));
      return errorOutcome(call, message);
    }
  }

  async instructions(signal: AbortSignal): Promise<string | undefined> {
    if (!this.options.addInstructions) return undefined;
    // The list and the instructions come with the same connection.
    await this.session.tools(signal).catch(() => undefined);
    const text = this.session.instructions();
    return text === undefined ? undefined : this.clean(text);
  }

  /** For the node's warning (not Claude's result): what a local server last wrote, when it stopped or could not start. */
  private withOutput(message: string, problem: McpProblem): string {
    const output = problem.kind === "unreachable" || problem.kind === "gave_up" || problem.kind === "other" ? this.session.lastOutput : undefined;
    return output ? `${message} ${this.text("warnings.mcp-last-output", { output })}` : message;
  }

  private problemText(problem: McpProblem): string {
    return this.text(problem.key, { ...problem.params, seconds: this.options.timeoutSeconds });
  }

  private text(key: string, params: Record<string, unknown>): string {
    return this.clean(this.options.text(key, params));
  }

  /** Removes the secrets from a text, or from every string in a value. */
  private clean<T>(value: T): T {
    const secrets = this.options.secrets.filter((s) => s && s.length >= 4);
    if (!secrets.length) return value;
    const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join("[redacted]"), text);
    if (typeof value === "string") return scrub(value) as T;
    return JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === "string" ? scrub(v) : v)) as T;
  }
}
