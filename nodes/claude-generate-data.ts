// "Claude generate data": a one-shot task (Home Assistant's ai_task.generate_data as a node). The
// answer is text, or JSON checked against the user's schema, with images and PDFs attached.
// A thin adapter: the rules live in lib/.
import type { ContentBlockParam, Message, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import type { Account } from "./lib/api/account";
import { attachmentBlocks } from "./lib/content/attachments";
import { isBlank, toUserContent } from "./lib/content/content";
import { ClaudeNodeError } from "./lib/errors";
import { errorsText } from "./lib/data/json-schema";
import { applyOverrides, type MessageOverrides } from "./lib/api/options";
import { buildRequest } from "./lib/api/request";
import { outputParts, prepareSchema, readAnswer, repairRequest, type OutputMode, type OutputSchema } from "./lib/data/structured-output";
import { addUsage, emptyUsage, stopError, totalTokens, type TurnUsage } from "./lib/conversation/turn";
import { accountOf } from "./runtime/account-node";
import { checkTemplate, instructionsFor } from "./runtime/instructions";
import { evaluate, reportError, t } from "./runtime/messages";
import { writingStatus } from "./runtime/progress";

interface GenerateDataDef extends NodeDef {
  config: string;
  instructions?: string;
  schema?: string;
  input?: string;
  inputType?: string;
  attachments?: string;
  attachmentsType?: string;
}

type Msg = NodeMessage & Record<string, any>;

interface Outcome {
  reply: Message;
  value: unknown;
  usage: TurnUsage;
}

/** Requests per message: the first answer and, when it fails the schema, one repair. */
const ATTEMPTS = 2;

export = function (RED: NodeAPI) {
  function ClaudeGenerateData(this: Node, def: GenerateDataDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const lifetime = new AbortController();
    checkTemplate(RED, node, def.instructions ?? "");

    // The configured schema is checked now, so a broken one shows before the first message.
    let configured: OutputSchema | undefined;
    let schemaError: ClaudeNodeError | undefined;
    if (def.schema?.trim()) {
      try {
        configured = prepareSchema(def.schema);
      } catch (err) {
        schemaError = err as ClaudeNodeError;
        node.status({ fill: "red", shape: "ring", text: t(RED, "status.bad-schema") });
        node.error(t(RED, schemaError.key, schemaError.params));
      }
    }

    function schemaFor(msg: Msg): OutputSchema | undefined {
      if (msg.schema !== undefined && msg.schema !== null) return prepareSchema(msg.schema);
      if (schemaError) throw schemaError;
      return configured;
    }

    /** Attachments first (Claude reads images before the question), then the task and the input. */
    async function userContent(msg: Msg, secret: string | undefined): Promise<ContentBlockParam[]> {
      const input = await evaluate(RED, node, def.input || "payload", def.inputType || "msg", msg);
      const attached = await evaluate(RED, node, def.attachments || "attachments", def.attachmentsType || "msg", msg);
      // A snapshot from a File In, HTTP request or camera node arrives as a Buffer in msg.payload.
      const items = [...(Buffer.isBuffer(input) ? [input] : []), ...(Array.isArray(attached) ? attached : isBlank(attached) ? [] : [attached])];
      const blocks = await attachmentBlocks(items);
      const task = instructionsFor(RED, node, def.instructions ?? "", msg, secret).trim();
      const given = Buffer.isBuffer(input) || isBlank(input) ? [] : toUserContent(input);
      const text = [task, typeof given === "string" ? given : ""].filter(Boolean).join("\n\n");
      const extra = typeof given === "string" ? [] : given;
      // An attachment alone is a task too: the schema (or Claude) says what to make of it.
      if (!text && !extra.length && !blocks.length) throw new ClaudeNodeError("errors.no-task");
      return [...blocks, ...extra, ...(text ? [{ type: "text" as const, text }] : [])];
    }

    async function generate(account: Account, msg: Msg): Promise<Outcome> {
      const schema = schemaFor(msg);
      const content = await userContent(msg, account.apiKey);
      let options = applyOverrides(account.options, msg as MessageOverrides);
      const facts = await account.modelFacts(options.model);
      // Structured outputs where the models endpoint says the model has them, else a forced tool
      // (which the API does not combine with thinking).
      const mode: OutputMode = facts?.capabilities?.structured_outputs?.supported ? "format" : "tool";
      if (schema && mode === "tool") options = { ...options, thinking: "off" };
      const messages: MessageParam[] = [{ role: "user", content }];
      const usage = emptyUsage();
      const onText = writingStatus(RED, node);
      const budget = account.guard.startTurn();

      for (let attempt = 1; ; attempt++) {
        const params = buildRequest(options, { messages, serverTools: false, ...(schema ? outputParts(schema, mode) : {}) }, facts);
        const reply = await account.stream(params, { signal: lifetime.signal, turn: budget, onText });
        addUsage(usage, reply.usage);
        const stopped = stopError(reply);
        if (stopped) throw stopped;
        if (!schema) return { reply, value: reply.content.map((b) => (b.type === "text" ? b.text : "")).join(""), usage };
        // Cut-off JSON cannot be repaired by asking again with the same limit.
        if (reply.stop_reason === "max_tokens") throw new ClaudeNodeError("errors.data-cut-short", { maxTokens: options.maxTokens }, "max_tokens");
        const answer = readAnswer(reply, schema, mode);
        if (!answer.errors.length) return { reply, value: answer.value, usage };
        if (attempt >= ATTEMPTS) {
          throw new ClaudeNodeError("errors.schema-mismatch", { attempts: ATTEMPTS, detail: errorsText(answer.errors) }, "validation_error", { validation: answer.errors });
        }
        node.status({ fill: "yellow", shape: "dot", text: t(RED, "status.repairing") });
        messages.push({ role: "assistant", content: reply.content as MessageParam["content"] }, repairRequest(answer, schema, mode));
      }
    }

    node.on("input", (msg: Msg, send: (msg: NodeMessage) => void, done: (err?: Error) => void) => {
      let secret: string | undefined;
      (async () => {
        const account = accountOf(RED, def.config);
        secret = account.apiKey;
        node.status({ fill: "blue", shape: "dot", text: t(RED, "status.waiting") });
        const { reply, value, usage } = await generate(account, msg);
        if (lifetime.signal.aborted) return done();
        if (reply.stop_reason === "max_tokens") node.warn(t(RED, "warnings.max-tokens"));
        msg.payload = value;
        msg.claude = { model: reply.model, stop_reason: reply.stop_reason, usage, content: reply.content };
        node.status({ fill: "green", shape: "dot", text: t(RED, "status.done", { tokens: totalTokens(usage) }) });
        send(msg);
        done();
      })().catch((err) => {
        if (!lifetime.signal.aborted) reportError(RED, node, err, msg, secret);
        done();
      });
    });

    node.on("close", (done: () => void) => {
      lifetime.abort();
      done();
    });
  }

  RED.nodes.registerType("claude-generate-data", ClaudeGenerateData as any);
};
