// "Claude generate data": a one-shot task (Home Assistant's ai_task.generate_data as a node). The
// answer is text, or JSON checked against the user's schema, with images and PDFs attached.
// A thin adapter: the rules live in lib/.
import type { ContentBlockParam, Message, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { Account } from "./lib/api/account";
import { attachmentBlocks } from "./lib/content/attachments";
import { isBlank, toUserContent } from "./lib/content/content";
import { ClaudeError } from "./lib/errors";
import { errorsText } from "./lib/data/json-schema";
import { applyOverrides, type MessageOverrides } from "./lib/api/options";
import { buildRequest } from "./lib/api/request";
import { outputParts, prepareSchema, readAnswer, repairRequest, type OutputMode, type OutputSchema } from "./lib/data/structured-output";
import { stopError } from "./lib/conversation/turn";
import { addUsage, emptyUsage, totalTokens, type TurnUsage } from "./lib/api/usage";
import { checkTemplate, instructionsFor } from "./runtime/instructions";
import { handleInput, type Msg } from "./runtime/input";
import { t, translate } from "./runtime/messages";
import { fitOptions } from "./runtime/model-fit";
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
    checkTemplate(RED, node, def.instructions ?? "");

    // The configured schema is checked now, so a broken one shows before the first message.
    let configured: OutputSchema | undefined;
    let schemaError: unknown;
    if (def.schema?.trim()) {
      try {
        configured = prepareSchema(def.schema);
      } catch (err) {
        schemaError = err;
        node.status({ fill: "red", shape: "ring", text: t(RED, "status.bad-schema") });
        node.error(translate(RED, err).text);
      }
    }

    function schemaFor(msg: Msg): OutputSchema | undefined {
      if (msg.schema !== undefined && msg.schema !== null) return prepareSchema(msg.schema);
      if (schemaError !== undefined) throw schemaError;
      return configured;
    }

    /** Attachments first (Claude reads images before the question), then the task and the input. */
    async function userContent(msg: Msg, input: unknown, attached: unknown, secret: readonly string[]): Promise<ContentBlockParam[]> {
      // A snapshot from a File In, HTTP request or camera node arrives as a Buffer in msg.payload.
      const items = [...(Buffer.isBuffer(input) ? [input] : []), ...(Array.isArray(attached) ? attached : isBlank(attached) ? [] : [attached])];
      const blocks = await attachmentBlocks(items);
      const task = instructionsFor(RED, node, def.instructions ?? "", msg, secret).trim();
      const given = Buffer.isBuffer(input) || isBlank(input) ? [] : toUserContent(input);
      const text = [task, typeof given === "string" ? given : ""].filter(Boolean).join("\n\n");
      const extra = typeof given === "string" ? [] : given;
      // An attachment alone is a task too: the schema (or Claude) says what to make of it.
      if (!text && !extra.length && !blocks.length) throw new ClaudeError("errors.no-task");
      return [...blocks, ...extra, ...(text ? [{ type: "text" as const, text }] : [])];
    }

    async function generate(account: Account, msg: Msg, inputs: { input: unknown; attached: unknown }, signal: AbortSignal): Promise<Outcome> {
      const schema = schemaFor(msg);
      const content = await userContent(msg, inputs.input, inputs.attached, account.secrets);
      let options = applyOverrides(account.options, msg as MessageOverrides);
      const entry = await account.modelEntry(options.model);
      const capabilities = entry?.capabilities;
      // Structured outputs where the models endpoint says the model has them, else a forced tool
      // (which the API does not combine with thinking).
      const mode: OutputMode = capabilities?.structured_outputs?.supported ? "format" : "tool";
      if (schema && mode === "tool") options = { ...options, thinking: "off" };
      options = fitOptions(RED, node, options, entry);
      const messages: MessageParam[] = [{ role: "user", content }];
      const usage = emptyUsage();
      const onText = writingStatus(RED, node);
      const budget = account.guard.startTurn();

      for (let attempt = 1; ; attempt++) {
        const params = buildRequest(options, { messages, serverTools: false, ...(schema ? outputParts(schema, mode) : {}) }, capabilities);
        const reply = await account.createMessage(params, { signal, turn: budget, onText });
        addUsage(usage, reply.usage);
        const stopped = stopError(reply);
        if (stopped) throw stopped;
        if (!schema) return { reply, value: reply.content.map((b) => (b.type === "text" ? b.text : "")).join(""), usage };
        // Cut-off JSON cannot be repaired by asking again with the same limit.
        if (reply.stop_reason === "max_tokens") throw new ClaudeError("errors.data-cut-short", { maxTokens: options.maxTokens }, "max_tokens");
        const answer = readAnswer(reply, schema, mode);
        if (!answer.errors.length) return { reply, value: answer.value, usage };
        if (attempt >= ATTEMPTS) {
          throw new ClaudeError("errors.schema-mismatch", { attempts: ATTEMPTS, detail: errorsText(answer.errors) }, "validation_error", { validation: answer.errors });
        }
        node.status({ fill: "yellow", shape: "dot", text: t(RED, "status.repairing") });
        messages.push({ role: "assistant", content: reply.content as MessageParam["content"] }, repairRequest(answer, schema, mode));
      }
    }

    handleInput(RED, node, def, {
      inputs: { input: ["input", "payload"], attached: ["attachments", "attachments"] },
      run: async ({ msg, account, inputs, signal }) => {
        node.status({ fill: "blue", shape: "dot", text: t(RED, "status.waiting") });
        const { reply, value, usage } = await generate(account, msg, inputs, signal);
        if (reply.stop_reason === "max_tokens") node.warn(t(RED, "warnings.max-tokens"));
        msg.payload = value;
        msg.claude = { model: reply.model, stop_reason: reply.stop_reason, usage, content: reply.content };
        return { status: { fill: "green", shape: "dot", text: t(RED, "status.done", { tokens: totalTokens(usage) }) } };
      },
    });
  }

  RED.nodes.registerType("claude-generate-data", ClaudeGenerateData as any);
};
