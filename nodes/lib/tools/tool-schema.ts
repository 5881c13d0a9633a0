// A tool's input schema in the form the API accepts. The API answers 400 to anyOf/oneOf/allOf at
// the top of an input schema (Home Assistant users hit exactly that), and wants "type": "object".
// Values are still checked against the user's whole schema (lib/json-schema) before a call runs.
import type { Tool } from "@anthropic-ai/sdk/resources/messages";
import { ClaudeError } from "../errors";

export type JsonSchema = Record<string, unknown>;

const COMBINATORS = ["allOf", "anyOf", "oneOf"] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges top-level branches into one object schema: their properties are offered together, and a
 * property is required only when every alternative requires it (all of them, for allOf).
 * `$schema` is left out: the API reads every schema as draft 2020-12.
 */
export function toolInputSchema(schema: JsonSchema): Tool.InputSchema {
  const flat = flatten(schema);
  if (flat.type !== undefined && flat.type !== "object") {
    throw new ClaudeError("errors.schema-not-object-type", { type: JSON.stringify(flat.type) }, "invalid_schema");
  }
  const { $schema: _dialect, ...rest } = flat;
  return { ...rest, type: "object" } as Tool.InputSchema;
}

function flatten(schema: JsonSchema): JsonSchema {
  const present = COMBINATORS.filter((k) => Array.isArray(schema[k]));
  if (!present.length) return schema;
  const result: JsonSchema = { ...schema };
  for (const k of COMBINATORS) delete result[k];
  const properties: Record<string, unknown> = isPlainObject(schema.properties) ? { ...schema.properties } : {};
  let required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const key of present) {
    const branches = (schema[key] as unknown[]).filter(isPlainObject).map(flatten);
    const branchRequired = branches.map((b) => new Set<string>(Array.isArray(b.required) ? (b.required as string[]) : []));
    for (const branch of branches) {
      for (const [name, prop] of Object.entries(isPlainObject(branch.properties) ? branch.properties : {})) {
        const before = properties[name];
        // The same property in two alternatives may take either form.
        properties[name] = before === undefined || JSON.stringify(before) === JSON.stringify(prop) ? prop : { anyOf: [before, prop] };
      }
      if (result.description === undefined && typeof branch.description === "string") result.description = branch.description;
    }
    if (key === "allOf") branchRequired.forEach((r) => r.forEach((n) => required.add(n)));
    else if (branchRequired.length) {
      const common = [...branchRequired[0]].filter((n) => branchRequired.every((r) => r.has(n)));
      required = new Set([...required, ...common]);
    }
  }
  if (Object.keys(properties).length) result.properties = properties;
  if (required.size) result.required = [...required];
  else delete result.required;
  return result;
}
