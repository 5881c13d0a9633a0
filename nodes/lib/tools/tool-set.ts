// The tools of one turn, gathered from the conversation's tool sources: every offered name unique
// across sources, and each call run through the source that offered the tool.
import type { Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import type { ToolOutcome } from "../conversation/turn";
import { redact, type Secrets } from "../errors";
import { fixedName, type ClientTool, type ToolSource } from "./tool-source";
import { errorOutcome, uniqueName, type CallOrigin } from "./tools";

export interface ToolSetTexts {
  /** The error result for a call of a tool this conversation does not have. */
  unknownTool: (name: string, known: string[]) => string;
  /** The error result when a source fails without saying why. */
  failed: (name: string) => string;
}

interface Offer {
  source: ToolSource;
  /** The name the source knows the tool by. */
  own: string;
}

export class ToolSet {
  private constructor(
    /** The tools as offered to Claude. */
    readonly definitions: ClientTool[],
    /** What the sources ask to add to the instructions. */
    readonly instructions: string[],
    private readonly offers: Map<string, Offer>,
    private readonly texts: ToolSetTexts,
    /** Removed from every error text before it reaches Claude (the account's API key). */
    private readonly secret?: Secrets,
  ) {}

  /**
   * Asks each source for its tools (all at once). A name another source already offers is
   * offered as name_2 (name_3...); calls of it reach the source under its own name.
   */
  static async gather(sources: ToolSource[], texts: ToolSetTexts, signal: AbortSignal, secret?: Secrets): Promise<ToolSet> {
    const answers = await Promise.all(
      sources.map(async (source) => ({
        source,
        tools: await source.tools(signal),
        instructions: source.instructions ? await source.instructions(signal) : undefined,
      })),
    );
    const offers = new Map<string, Offer>();
    const definitions: ClientTool[] = [];
    const instructions: string[] = [];
    // Anthropic's client tools (the memory tool) must keep their names: other tools give way.
    const taken = new Set(answers.flatMap(({ tools }) => tools.filter(fixedName).map((tool) => tool.name)));
    for (const { source, tools, instructions: extra } of answers) {
      for (const tool of tools) {
        if (fixedName(tool)) {
          // Offered once: the API knows one tool of each of these.
          if (offers.has(tool.name)) continue;
          offers.set(tool.name, { source, own: tool.name });
          definitions.push(tool);
          continue;
        }
        const custom = tool as Tool;
        const name = uniqueName(custom.name, taken);
        taken.add(name);
        offers.set(name, { source, own: custom.name });
        definitions.push(name === custom.name ? custom : { ...custom, name });
      }
      if (extra?.trim()) instructions.push(extra.trim());
    }
    return new ToolSet(definitions, instructions, offers, texts, secret);
  }

  get names(): string[] {
    return [...this.offers.keys()];
  }

  /** Runs every call of a round at once; each resolves to a result, never a rejection. */
  run(calls: ToolUseBlock[], origin: CallOrigin, signal: AbortSignal): Promise<ToolOutcome[]> {
    return Promise.all(calls.map((call) => this.runOne(call, origin, signal)));
  }

  private async runOne(call: ToolUseBlock, origin: CallOrigin, signal: AbortSignal): Promise<ToolOutcome> {
    const offer = this.offers.get(call.name);
    if (!offer) return errorOutcome(call, this.texts.unknownTool(call.name, this.names));
    let outcome: ToolOutcome;
    try {
      outcome = await offer.source.call(offer.own === call.name ? call : { ...call, name: offer.own }, origin, signal);
    } catch (err) {
      const text = err instanceof Error ? err.message : typeof err === "string" ? err : "";
      return errorOutcome(call, redact(text.trim() || this.texts.failed(call.name), this.secret));
    }
    // The history and msg.claude.tool_calls know the tool by the name Claude called.
    const record = { ...outcome.record, name: call.name };
    if (!outcome.block.is_error || typeof outcome.block.content !== "string") return { block: outcome.block, record };
    // A source's error text can carry anything a failing service wrote; the key never goes to Claude.
    const content = redact(outcome.block.content, this.secret);
    return { block: { ...outcome.block, content }, record: { ...record, result: typeof record.result === "string" ? redact(record.result, this.secret) : record.result } };
  }
}
