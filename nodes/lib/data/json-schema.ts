// User-written JSON Schemas, checked with ajv: compile once (a broken schema is an error that says
// why), validate values, and turn ajv's errors into text a person (or Claude) can act on.
// Formats (date-time, email, uri, ...) come from ajv-formats.
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { ClaudeError } from "../errors";
import { setBounded } from "../bounded-map";

export type { ErrorObject };

/** The key of the error for a schema that cannot be used; its `detail` says why, in ajv's words. */
export const SCHEMA_INVALID = "errors.schema-invalid";

function schemaError(detail: string): ClaudeError {
  return new ClaudeError(SCHEMA_INVALID, { detail }, "invalid_schema");
}

/** The reason in a schema error, to say it again in the words of the node that uses the schema. */
export function schemaProblem(err: unknown): string | undefined {
  return err instanceof ClaudeError && err.key === SCHEMA_INVALID ? String(err.params.detail) : undefined;
}

export interface CompiledSchema {
  /** The schema as the user wrote it. */
  readonly schema: Record<string, unknown>;
  /** ajv's errors for the value; empty when it is valid. */
  validate(value: unknown): ErrorObject[];
}

const OPTIONS: Options = {
  allErrors: true,
  // Unknown keywords and formats are mistakes worth reporting (a misspelt "maximun" would
  // otherwise check nothing); type and tuple hints stay quiet.
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  // Each schema gets its own instance, so a user's $id never clashes with another schema's.
  addUsedSchema: false,
  logger: false,
};

function ajvFor(schema: Record<string, unknown>): Ajv {
  const dialect = String(schema.$schema ?? "");
  const ajv = dialect.includes("2020-12") ? new Ajv2020(OPTIONS) : dialect.includes("2019-09") ? new Ajv2019(OPTIONS) : new Ajv(OPTIONS);
  addFormats(ajv);
  return ajv;
}

/** Parses JSON text if needed; the schema must be a JSON object. */
export function schemaObject(value: unknown): Record<string, unknown> {
  let schema = value;
  if (typeof value === "string") {
    try {
      schema = JSON.parse(value);
    } catch (err) {
      throw schemaError(`not valid JSON (${(err as Error).message})`);
    }
  }
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) throw schemaError("a JSON Schema must be an object");
  return schema as Record<string, unknown>;
}

/** Recently compiled schemas by their JSON text: a flow that sends the same msg.schema compiles it once. */
const recent = new Map<string, CompiledSchema>();
const RECENT_MAX = 32;

/** Compiles a schema (object or JSON text); throws a schema error saying what is wrong with it. */
export function compileSchema(value: unknown): CompiledSchema {
  const schema = schemaObject(value);
  const key = JSON.stringify(schema);
  const known = recent.get(key);
  if (known) return known;
  const compiled = compile(schema);
  setBounded(recent, key, compiled, RECENT_MAX);
  return compiled;
}

function compile(schema: Record<string, unknown>): CompiledSchema {
  let check: ValidateFunction;
  try {
    check = ajvFor(schema).compile(schema);
  } catch (err) {
    throw schemaError((err as Error).message);
  }
  return {
    schema,
    validate(data: unknown): ErrorObject[] {
      // Checked first and on its own: ajv takes such a key as an ordinary property.
      const unsafe = prototypeErrors(data);
      if (unsafe.length) return unsafe;
      return check(data) ? [] : [...(check.errors ?? [])];
    },
  };
}

/** Keys that Node-RED's message copy (or any plain assignment) turns into the object's prototype. */
export const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype"];
const PLAIN_PROTOTYPES = new Set<unknown>([Object.prototype, Array.prototype, null]);

/**
 * Errors for keys that would reach a flow as a prototype, and for objects that already have another
 * prototype: a value the schema forbids could otherwise be read through it once the message is copied.
 */
export function prototypeErrors(value: unknown): ErrorObject[] {
  const errors: ErrorObject[] = [];
  const stack: Array<[unknown, string]> = [[value, ""]];
  const seen = new Set<object>();
  while (stack.length) {
    const [item, path] = stack.pop()!;
    if (typeof item !== "object" || item === null || seen.has(item)) continue;
    seen.add(item);
    if (!PLAIN_PROTOTYPES.has(Object.getPrototypeOf(item))) {
      errors.push({ instancePath: path, schemaPath: "", keyword: "prototype", params: {}, message: "must be plain JSON data" });
      continue;
    }
    for (const key of Object.keys(item)) {
      const at = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (PROTOTYPE_KEYS.includes(key)) errors.push({ instancePath: at, schemaPath: "", keyword: "prototype", params: { key }, message: `is a key that is not allowed ("${key}")` });
      else stack.push([(item as Record<string, unknown>)[key], at]);
    }
  }
  return errors;
}

/** One line per error: where in the value, and what is wrong there. */
export function errorsText(errors: ErrorObject[]): string {
  return errors.map(errorLine).join("; ");
}

function errorLine(error: ErrorObject): string {
  const where = error.instancePath || "(root)";
  const extra = error.keyword === "additionalProperties" ? ` ("${(error.params as any).additionalProperty}")` : "";
  return `${where} ${error.message ?? error.keyword}${extra}`;
}
