// One turn of a conversation: send, then follow the stop reason (run client tools, continue a
// paused server-tool loop) until Claude ends the turn. Returns the messages the turn added; the
// caller stores them only when the turn succeeds.
import type {
  ContentBlock,
  Container,
  Message,
  MessageParam,
  TextCitation,
  ToolResultBlockParam,
  ToolUseBlock,
} from "@anthropic-ai/sdk/resources/messages";
import { ClaudeError, describeError } from "../errors";
import { replayable } from "./history";
import { addUsage, emptyUsage, type TurnUsage } from "../api/usage";
import type { RequestParams } from "../api/request";

export interface ToolCallRecord {
  id: string;
  name: string;
  input: unknown;
  result: unknown;
  is_error: boolean;
}

export interface ToolOutcome {
  block: ToolResultBlockParam;
  record: ToolCallRecord;
}

/** Runs the client tool calls of one round (in parallel) and answers each with a tool_result. */
export type ToolRunner = (calls: ToolUseBlock[], signal?: AbortSignal) => Promise<ToolOutcome[]>;

export interface TurnResult {
  /** The history the turn went on from: as given, or shorter when room had to be made. */
  history: MessageParam[];
  /** The messages this turn adds to the history, starting with the user's. */
  added: MessageParam[];
  /** Set when the prompt outgrew the context window and older turns were dropped to go on. */
  madeRoom?: { dropped: number };
  final: Message;
  text: string;
  thinking: string;
  citations: TextCitation[];
  content: ContentBlock[];
  toolCalls: ToolCallRecord[];
  usage: TurnUsage;
  stopReason: Message["stop_reason"];
  /** Claude stopped at max_tokens: the text is cut short. */
  truncated: boolean;
  /** The code execution container the last answer that had one named; its files live until it expires. */
  container?: Container;
}

export interface TurnSettings {
  send: (params: RequestParams) => Promise<Message>;
  /** Builds the request for the messages so far, before each request, so every one has the same options. */
  request: (messages: MessageParam[]) => RequestParams;
  runTools: ToolRunner;
  /** Most tool rounds in one turn. */
  maxRounds: number;
  /** Most continuations of a paused server-tool loop. */
  maxContinuations: number;
  signal?: AbortSignal;
  /** Called before each request with its number in the turn (1-based): every tool round and continuation sends one. */
  onRequest?: (request: number) => void;
  /** The code execution container of this conversation, sent so its files are still there. */
  container?: string;
  /**
   * A shorter history for when the prompt no longer fits the context window (the API's "prompt is
   * too long" or the stop reason model_context_window_exceeded); the request is then sent once more.
   */
  makeRoom?: (history: MessageParam[], answered: boolean) => MessageParam[];
}

/** The API could not take the prompt, or ran out of window while answering. */
function outgrewWindow(err: unknown): boolean {
  // The account refuses text that cannot fit before it sends it: older turns may be what is too long.
  if (err instanceof ClaudeError) return err.type === "context_window_exceeded" || err.key === "errors.text-too-long";
  return describeError(err).key === "errors.prompt-too-long";
}

/** The error for a stop reason that ends a turn without an answer; undefined for the others. */
export function stopError(reply: Message): ClaudeError | undefined {
  if (reply.stop_reason === "refusal") return new ClaudeError("errors.refusal", { detail: reply.stop_details?.explanation ?? "" }, "refusal");
  if (reply.stop_reason === "model_context_window_exceeded") return new ClaudeError("errors.context-window", {}, "context_window_exceeded");
  return undefined;
}

export async function runTurn(history: MessageParam[], user: MessageParam, settings: TurnSettings): Promise<TurnResult> {
  let kept = history;
  let madeRoom: TurnResult["madeRoom"];
  const added: MessageParam[] = [user];
  // Once per turn: older turns give way, and the request that did not fit is sent again.
  // `answered`: the request was answered (and its text streamed) before it ran out of window.
  const roomMade = (err: unknown, answered = false): boolean => {
    if (madeRoom || !settings.makeRoom || !outgrewWindow(err) || settings.signal?.aborted) return false;
    const shorter = settings.makeRoom(kept, answered);
    if (shorter.length >= kept.length) return false;
    madeRoom = { dropped: kept.length - shorter.length };
    kept = shorter;
    return true;
  };
  const usage = emptyUsage();
  const toolCalls: ToolCallRecord[] = [];
  const replies: Message[] = [];
  let rounds = 0;
  let continuations = 0;
  let container: Container | undefined;

  for (;;) {
    settings.onRequest?.(replies.length + 1);
    let reply: Message;
    try {
      reply = await settings.send(withContainer(settings.request([...kept, ...added]), container?.id ?? settings.container));
    } catch (err) {
      if (roomMade(err)) continue;
      throw err;
    }
    addUsage(usage, reply.usage);
    if (reply.stop_reason === "model_context_window_exceeded" && roomMade(stopError(reply), true)) continue;
    replies.push(reply);
    if (reply.container?.id) container = reply.container;
    const assistant: MessageParam = { role: "assistant", content: replayable(reply.content) };
    added.push(assistant);

    switch (reply.stop_reason) {
      case "tool_use": {
        const calls = reply.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
        if (!calls.length) break;
        if (++rounds > settings.maxRounds) throw new ClaudeError("errors.max-rounds", { max: settings.maxRounds }, "max_rounds");
        const outcomes = await settings.runTools(calls, settings.signal);
        toolCalls.push(...outcomes.map((o) => o.record));
        // All results of a round go back in one user message, in the order of the calls.
        const results: MessageParam = { role: "user", content: outcomes.map((o) => o.block) };
        added.push(results);
        continue;
      }
      case "pause_turn":
        if (++continuations > settings.maxContinuations) throw new ClaudeError("errors.paused-too-often", { max: settings.maxContinuations }, "pause_turn");
        continue;
      case "refusal":
      case "model_context_window_exceeded":
        throw stopError(reply);
      case "max_tokens":
        // A tool call cut off mid-way can never be answered; keep the rest of what came.
        if (reply.content.some((b) => b.type === "tool_use")) {
          const kept = reply.content.filter((b) => b.type !== "tool_use");
          added[added.length - 1] = { role: "assistant", content: kept.length ? replayable(kept) : [{ type: "text", text: "(cut short)" }] };
        }
        break;
      default:
        break;
    }
    return { history: kept, ...summarise(added, replies, usage, toolCalls), ...(madeRoom ? { madeRoom } : {}), ...(container ? { container } : {}) };
  }
}

/** Code execution runs in a container; naming it again keeps the files of earlier requests. */
function withContainer(params: RequestParams, id: string | undefined): RequestParams {
  const runsCode = params.tools?.some((tool) => String(tool.type ?? "").startsWith("code_execution"));
  return id && runsCode ? { ...params, container: id } : params;
}

/**
 * The text of an answer. Text blocks in a row join as they are (citations split one sentence into
 * several blocks); text after a server tool's call or result starts a new paragraph, so "Let me
 * search" and "Here is the answer." do not run together.
 */
export function answerText(content: readonly ContentBlock[]): string {
  let text = "";
  let afterOther = false;
  for (const block of content) {
    if (block.type !== "text") {
      afterOther = true;
      continue;
    }
    if (!block.text) continue;
    text += (afterOther && text ? "\n\n" : "") + block.text;
    afterOther = false;
  }
  return text;
}

function summarise(added: MessageParam[], replies: Message[], usage: TurnUsage, toolCalls: ToolCallRecord[]): Omit<TurnResult, "history"> {
  const final = replies[replies.length - 1];
  const allBlocks = replies.flatMap((r) => r.content);
  // The text of every answer of the turn (before tool calls, around server tools, after a pause), as a
  // chat sees it written: what a node streams adds up to exactly this.
  const text = answerText(allBlocks);
  const thinking = allBlocks
    .filter((b) => b.type === "thinking")
    .map((b) => (b as any).thinking as string)
    .filter(Boolean)
    .join("\n\n");
  const citations = allBlocks.flatMap((b) => (b.type === "text" && b.citations ? b.citations : []));
  return {
    added,
    final,
    text,
    thinking,
    citations,
    content: final.content,
    toolCalls,
    usage,
    stopReason: final.stop_reason,
    truncated: final.stop_reason === "max_tokens",
  };
}
