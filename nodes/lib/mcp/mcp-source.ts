// An MCP server as a tool source of a conversation: the allowed tools of its session, offered as
// the API takes them; each call checked against what was offered, run under the tool timeout, and
// answered with the server's result or an error result Claude can read. Failures never hang a turn.
import type { Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../conversation/turn";
import { redactDeep } from "../errors";
import type { ToolSource } from "../tools/tool-source";
import { answerOutcome, errorOutcome, type CallOrigin } from "../tools/tools";
import { resultAnswer, offeredTools, type McpResultTexts, type OfferedTool } from "./convert";
import { describeMcpError, type McpProblem } from "./problems";
import type { McpSession, McpTool } from "./session";

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
  /** The tools offered from the session's last list, worked out once per list (not per turn). */
  private offer?: { list: McpTool[]; byName: Map<string, OfferedTool>; definitions: Tool[] };
  /** The last tools() failed: instructions() does not try the server a second time in the same turn. */
  private unavailable = false;
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
      this.offer = undefined;
      this.unavailable = true;
      return [];
    }
    this.unavailable = false;
    if (list !== this.offer?.list) {
      const { offered, skipped } = offeredTools(list, this.allowed);
      this.offer = { list, byName: new Map(offered.map((o) => [o.definition.name, o])), definitions: offered.map((o) => o.definition) };
      for (const s of skipped) {
        if (this.warnedSkips.has(s.name)) continue;
        this.warnedSkips.add(s.name);
        this.options.warn(this.text("warnings.mcp-tool-skipped", { server: this.label, name: s.name, detail: s.reason }));
      }
    }
    return this.offer.definitions;
  }

  async call(call: ToolUseBlock, _origin: CallOrigin, signal: AbortSignal): Promise<ToolOutcome> {
    const tool = this.offer?.byName.get(call.name);
    // Only what was offered is called: anything else is refused here and never reaches the server.
    if (!tool) return errorOutcome(call, this.text("errors.mcp-tool-not-offered", { name: call.name, server: this.label }));
    const args = call.input && typeof call.input === "object" && !Array.isArray(call.input) ? (call.input as Record<string, unknown>) : {};
    try {
      const result = await this.session.call(tool.serverName, args, signal);
      return answerOutcome(call, this.clean(resultAnswer(result, this.options.resultTexts)));
    } catch (err) {
      const problem = describeMcpError(err);
      const message = this.text("errors.mcp-call-failed", { name: call.name, server: this.label, detail: this.problemText(problem) });
      if (problem.kind !== "stopped") this.options.warn(this.withOutput(message, problem));
      return errorOutcome(call, message);
    }
  }

  async instructions(signal: AbortSignal): Promise<string | undefined> {
    if (!this.options.addInstructions) return undefined;
    // The list and the instructions come with the same connection; a server that just failed to
    // list its tools is not waited for twice in one turn.
    if (!this.unavailable) await this.session.tools(signal).catch(() => undefined);
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
    return redactDeep(value, this.options.secrets);
  }
}
