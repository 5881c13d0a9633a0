// Data that a flow can trust: the user's JSON Schema goes to the API in the subset it accepts
// (the SDK's own transform), Claude's answer is read back and checked with ajv against the whole
// schema, and a failed check becomes a repair request that tells Claude what was wrong.
import { transformJSONSchema } from "@anthropic-ai/sdk/lib/transform-json-schema";
import type { Message, MessageParam, ToolUnion } from "@anthropic-ai/sdk/resources/messages";
import { ClaudeError } from "../errors";
import { compileSchema, errorsText, schemaObject, schemaProblem, type CompiledSchema, type ErrorObject } from "./json-schema";
import type { RequestParts } from "../api/request";

/**
 * "format": the API's structured outputs (output_config.format), for models that have them.
 * "tool": a forced tool call whose input is the data, for models that do not.
 */
export type OutputMode = "format" | "tool";

/** The tool Claude is made to call in "tool" mode. */
export const RESULT_TOOL = "submit_result";
/** Where a non-object value sits, since the API wants an object at the root. */
const WRAP_KEY = "value";

export interface OutputSchema {
  compiled: CompiledSchema;
  /** What Claude is held to: the API's subset, always an object at the root. */
  wire: Record<string, unknown>;
  /** The user's schema is not an object schema: Claude answers `{ value }`. */
  wrapped: boolean;
}

/** Checks and prepares a schema (object or JSON text); throws errors.bad-schema saying why. */
export function prepareSchema(value: unknown): OutputSchema {
  try {
    const compiled = compileSchema(value);
    const { wire, wrapped } = wireSchema(compiled.schema);
    return { compiled, wire, wrapped };
  } catch (err) {
    throw new ClaudeError("errors.bad-schema", { detail: schemaProblem(err) ?? (err as Error).message }, "invalid_schema");
  }
}

function wireSchema(schema: Record<string, unknown>): { wire: Record<string, unknown>; wrapped: boolean } {
  // The transform knows $defs only; draft-07's "definitions" mean the same.
  const { $defs, definitions, ...rest } = JSON.parse(JSON.stringify(schemaObject(schema)).split('"#/definitions/').join('"#/$defs/'));
  const defs = $defs ?? definitions;
  const wrapped = rest.type !== "object";
  const root = wrapped ? { type: "object", properties: { [WRAP_KEY]: rest }, required: [WRAP_KEY] } : rest;
  return { wire: transformJSONSchema(defs ? { ...root, $defs: defs } : root), wrapped };
}

/** The request parts that ask for the data in the given mode. */
export function outputParts(schema: OutputSchema, mode: OutputMode): Pick<RequestParts, "outputFormat" | "tools" | "toolChoice"> {
  if (mode === "format") return { outputFormat: { type: "json_schema", schema: schema.wire } };
  const tool: ToolUnion = {
    name: RESULT_TOOL,
    description: "Submit the requested data. Call this exactly once, with the complete result as the input.",
    input_schema: schema.wire as any,
  };
  return { tools: [tool], toolChoice: { type: "tool", name: RESULT_TOOL } };
}

export interface Answer {
  /** The data, unwrapped; undefined when none could be read. */
  value?: unknown;
  /** ajv's errors (or one saying the answer was not JSON); empty when the value is valid. */
  errors: ErrorObject[];
  /** The result tool call, which a repair must answer. */
  toolUseId?: string;
}

function problem(message: string): ErrorObject {
  return { instancePath: "", schemaPath: "", keyword: "json", params: {}, message };
}

/** Reads Claude's answer and checks it against the user's whole schema. */
export function readAnswer(reply: Message, schema: OutputSchema, mode: OutputMode): Answer {
  let raw: unknown;
  let toolUseId: string | undefined;
  if (mode === "tool") {
    const call = reply.content.find((b) => b.type === "tool_use" && b.name === RESULT_TOOL);
    if (!call || call.type !== "tool_use") return { errors: [problem(`did not call the ${RESULT_TOOL} tool`)] };
    raw = call.input;
    toolUseId = call.id;
  } else {
    const text = reply.content.map((b) => (b.type === "text" ? b.text : "")).join("");
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return { errors: [problem(`is not valid JSON (${(err as Error).message})`)] };
    }
  }
  let value = raw;
  if (schema.wrapped) {
    if (!raw || typeof raw !== "object" || !(WRAP_KEY in raw)) return { errors: [problem(`has no "${WRAP_KEY}" property`)], toolUseId };
    value = (raw as Record<string, unknown>)[WRAP_KEY];
  }
  return { value, errors: schema.compiled.validate(value), toolUseId };
}

/** The user message that asks once more, carrying what was wrong. */
export function repairRequest(answer: Answer, schema: OutputSchema, mode: OutputMode): MessageParam {
  // Paths in ajv's errors refer to the unwrapped value; Claude sees the wrapper.
  const errors = schema.wrapped ? answer.errors.map((e) => ({ ...e, instancePath: `/${WRAP_KEY}${e.instancePath}` })) : answer.errors;
  const text = `The result does not match the required JSON Schema: ${errorsText(errors)}.`;
  if (mode === "tool" && answer.toolUseId) {
    return {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: answer.toolUseId, is_error: true, content: `${text} Call ${RESULT_TOOL} again with the corrected result.` }],
    };
  }
  return { role: "user", content: `${text} Answer again with the corrected JSON.` };
}
