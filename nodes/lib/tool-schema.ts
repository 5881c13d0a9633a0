// JSON Schema handling shared by the nodes that take a user's schema: compile it with ajv
// (draft 2020-12, the dialect the API speaks), validate values against it with readable errors,
// and turn a tool's input schema into a form the API accepts.
import Ajv2020, { type ErrorObject } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { Tool } from "@anthropic-ai/sdk/resources/messages";
import { ClaudeNodeError } from "./errors";

export type JsonSchema = Record<string, unknown>;

export type Validation = { ok: true } | { ok: false; errors: ErrorObject[]; messages: string[] };

export interface CompiledSchema {
  readonly schema: JsonSchema;
  validate(value: unknown): Validation;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/**
 * A schema from the editor (JSON text) or a message (an object). Empty text gives `fallback`.
 * Throws errors.schema-not-json / errors.schema-not-object.
 */
export function parseSchema(value: unknown, fallback?: JsonSchema): JsonSchema {
  if (value === undefined || value === null || (typeof value === "string" && !value.trim())) {
    if (fallback) return fallback;
    throw new ClaudeNodeError("errors.schema-not-object", {}, "invalid_schema");
  }
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new ClaudeNodeError("errors.schema-not-json", { detail: (err as Error).message }, "invalid_schema");
    }
  }
  if (!isPlainObject(parsed)) throw new ClaudeNodeError("errors.schema-not-object", {}, "invalid_schema");
  return parsed;
}

/** Compiles a user's schema; an invalid one throws errors.schema-invalid naming what is wrong. */
export function compileSchema(schema: JsonSchema): CompiledSchema {
  // A fresh instance per schema: schemas with the same $id must not collide, and compiling happens
  // once when a node starts (or per message override), never per call.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  if (!ajv.validateSchema(schema)) {
    throw new ClaudeNodeError("errors.schema-invalid", { detail: describeErrors(ajv.errors, "schema").join("; ") }, "invalid_schema");
  }
  let check: ReturnType<typeof ajv.compile>;
  try {
    check = ajv.compile(schema);
  } catch (err) {
    throw new ClaudeNodeError("errors.schema-invalid", { detail: (err as Error).message }, "invalid_schema");
  }
  return {
    schema,
    validate(value: unknown): Validation {
      if (check(value)) return { ok: true };
      const errors = [...(check.errors ?? [])];
      return { ok: false, errors, messages: describeErrors(errors) };
    },
  };
}

/** ajv's errors as short sentences: `input.brightness must be <= 255`. */
export function describeErrors(errors: ErrorObject[] | null | undefined, root = "input"): string[] {
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    const where = root + error.instancePath.split("/").slice(1).map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, "/").replace(/~0/g, "~")}`)).join("");
    const params = error.params as Record<string, unknown>;
    let text = `${where} ${error.message ?? "is invalid"}`;
    if (error.keyword === "additionalProperties") text = `${where} must not have the property "${params.additionalProperty}"`;
    else if (error.keyword === "required") text = `${where} must have the property "${params.missingProperty}"`;
    else if (error.keyword === "enum") text = `${where} must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    else if (error.keyword === "const") text = `${where} must be ${JSON.stringify(params.allowedValue)}`;
    seen.add(text);
  }
  return [...seen];
}

const COMBINATORS = ["allOf", "anyOf", "oneOf"] as const;

/**
 * The input schema as the API accepts it: an object schema without anyOf/oneOf/allOf at the top
 * (the API answers 400 to those). Branches are merged: their properties are offered together,
 * and a property is required only when every alternative requires it. Values are still checked
 * against the full schema before a call reaches a flow.
 */
export function toolInputSchema(schema: JsonSchema): Tool.InputSchema {
  const flat = flatten(schema);
  if (flat.type !== undefined && flat.type !== "object") {
    throw new ClaudeNodeError("errors.schema-not-object-type", { type: JSON.stringify(flat.type) }, "invalid_schema");
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
