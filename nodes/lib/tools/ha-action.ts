// The Home Assistant action mode of a tool: Claude may call only the actions and touch only the
// entities the user allowed (the counterpart of Home Assistant's exposed entities). Builds the
// input schema Claude sees, checks every call against the allow lists, and turns an allowed call
// into the message the Home Assistant "Action" node takes.

export interface AllowList {
  actions: string[];
  entities: string[];
}

/** A problem with a call or a setting: a message catalog key and its parameters. */
export interface Problem {
  key: string;
  params: Record<string, unknown>;
}

export interface ActionInput {
  action: string;
  entity_id: string[];
  data?: Record<string, unknown>;
}

/** What the Home Assistant "Action" node reads from msg.payload (with "Block input overrides" off). */
export interface ActionPayload {
  action: string;
  target: { entity_id: string[] };
  data: Record<string, unknown>;
}

/** Texts Claude reads in the schema, from the message catalog. */
export interface SchemaTexts {
  action: string;
  entity_id: string;
  data: string;
}

const SEGMENT = "[a-z0-9_]+";
const ENTITY_ID = new RegExp(`^${SEGMENT}\\.${SEGMENT}$`);
/** A setting: `*`, or `domain.name` where either part may hold `*`. */
const PATTERN = /^(\*|[a-z0-9_*]+\.[a-z0-9_*]+)$/;
/** Keys that would let data reach entities outside the allow list (a `target` in data reaches Home Assistant as is). */
export const TARGET_KEYS = ["entity_id", "device_id", "area_id", "floor_id", "label_id", "target"];

/** Problems with the allow lists themselves, found when the node starts. */
export function checkAllowList(allow: AllowList): Problem[] {
  const problems: Problem[] = [];
  if (!allow.actions.length) problems.push({ key: "errors.ha-no-actions", params: {} });
  if (!allow.entities.length) problems.push({ key: "errors.ha-no-entities", params: {} });
  for (const action of allow.actions) if (!PATTERN.test(action)) problems.push({ key: "errors.ha-bad-action-pattern", params: { action } });
  for (const entity of allow.entities) if (!PATTERN.test(entity)) problems.push({ key: "errors.ha-bad-entity-pattern", params: { entity } });
  return problems;
}

function isPattern(entry: string): boolean {
  return entry.includes("*");
}

/** `*` alone matches any id; inside a part it matches any run of id characters, never the dot. */
export function patternToRegExp(pattern: string): RegExp {
  if (pattern === "*") return ENTITY_ID;
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.\\^$+?()[\]{}|]/g, "\\$&"))
    .join("[a-z0-9_]*");
  return new RegExp(`^${body}$`);
}

export function allowedBy(value: string, patterns: string[]): boolean {
  return ENTITY_ID.test(value) && patterns.some((p) => patternToRegExp(p).test(value));
}

function choice(entries: string[]): Record<string, unknown> {
  if (!entries.some(isPattern)) return { type: "string", enum: entries };
  // Wildcards cannot be an enum: one pattern lists them all, and the description spells them out.
  const source = entries.map((e) => patternToRegExp(e).source.slice(1, -1)).join("|");
  return { type: "string", pattern: `^(?:${source})$` };
}

/** The input schema Claude sees: exactly the allowed actions and entities. */
export function actionSchema(allow: AllowList, texts: SchemaTexts): Record<string, unknown> {
  return {
    type: "object",
    properties: {
      action: { ...choice(allow.actions), description: texts.action },
      entity_id: { type: "array", items: choice(allow.entities), minItems: 1, uniqueItems: true, description: texts.entity_id },
      data: { type: "object", description: texts.data, propertyNames: { not: { enum: TARGET_KEYS } } },
    },
    required: ["action", "entity_id"],
    additionalProperties: false,
  };
}

/**
 * Checks a call against the allow lists. Runs before (and regardless of) schema validation so the
 * answer says plainly what is allowed; a call with any problem never reaches the flow.
 */
export function checkCall(input: unknown, allow: AllowList): Problem[] {
  const problems: Problem[] = [];
  const call = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const actions = allow.actions.join(", ");
  const entities = allow.entities.join(", ");
  if (typeof call.action === "string" && !allowedBy(call.action, allow.actions)) {
    problems.push({ key: "errors.ha-action-not-allowed", params: { action: call.action, allowed: actions } });
  }
  const ids = Array.isArray(call.entity_id) ? call.entity_id : typeof call.entity_id === "string" ? [call.entity_id] : [];
  for (const id of ids) {
    if (typeof id === "string" && !allowedBy(id, allow.entities)) problems.push({ key: "errors.ha-entity-not-allowed", params: { entity: id, allowed: entities } });
  }
  const data = call.data;
  if (typeof data === "object" && data !== null) {
    for (const key of TARGET_KEYS) if (key in data) problems.push({ key: "errors.ha-data-target", params: { key } });
    for (const entity of entitiesNamedIn(data)) {
      if (!allowedBy(entity, allow.entities)) problems.push({ key: "errors.ha-data-entity-not-allowed", params: { entity, allowed: entities } });
    }
  }
  return problems;
}

/** A string that Home Assistant would take as an entity id (a domain is never all digits, so "0.5" is not one). */
const ENTITY_FORM = /^[a-z][a-z0-9_]*\.[a-z0-9_]+$/;

/**
 * Every entity id named anywhere in `data`, in values and keys at any depth: actions take entities in
 * fields other than the target (tts.speak's media_player_entity_id, media_player.join's group_members,
 * scene.apply's entities). Home Assistant lower-cases entity ids and splits comma-separated lists, so
 * this does too.
 */
export function entitiesNamedIn(data: unknown): string[] {
  const found = new Set<string>();
  const look = (text: string) => {
    for (const part of text.split(",")) {
      const id = part.trim().toLowerCase();
      if (ENTITY_FORM.test(id)) found.add(id);
    }
  };
  const stack: unknown[] = [data];
  const seen = new Set<object>();
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === "string") look(value);
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    for (const [key, item] of Object.entries(value)) {
      look(key);
      stack.push(item);
    }
  }
  return [...found];
}

/** The message payload for the Home Assistant "Action" node. */
export function actionPayload(input: ActionInput): ActionPayload {
  return { action: input.action, target: { entity_id: [...input.entity_id] }, data: { ...(input.data ?? {}) } };
}
