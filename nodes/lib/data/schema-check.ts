// Whether a schema typed in the editor will work, checked the way the node that uses it checks it
// at start: generate data's result schema, or a tool's input schema. Pure: no Node-RED here.
import { ClaudeError } from "../errors";
import { compileSchema, schemaProblem } from "./json-schema";
import { prepareSchema } from "./structured-output";
import { toolInputSchema } from "../tools/tool-schema";

export type SchemaUse = "tool" | "data";

/** Throws a ClaudeError saying what is wrong; empty text is fine (each node has a default for it). */
export function checkSchema(text: string, use: SchemaUse): void {
  if (!text.trim()) return;
  if (use === "data") {
    prepareSchema(text);
    return;
  }
  try {
    toolInputSchema(compileSchema(text).schema);
  } catch (err) {
    const detail = schemaProblem(err);
    throw detail === undefined ? err : new ClaudeError("errors.tool-bad-schema", { detail }, "invalid_schema");
  }
}
