// Keeps a secret (the API key) out of everything a flow, an editor or a log may see. An API or a
// proxy may echo the key anywhere in an error (a header, the body's type or request_id, a detail),
// so every string of what is shown is cleaned, not just the message.

const REDACTED = "[redacted]";
/** Deeper than any error the node builds; what lies below is dropped rather than walked. */
const MAX_DEPTH = 32;

/** The API key, or the key and the account's other secrets (extra header values). */
export type Secrets = string | readonly string[] | undefined;

function list(secrets: Secrets): string[] {
  // Secrets shorter than 4 characters are not looked for (they would match anywhere); longer ones first,
  // so one that contains another is removed whole.
  return (typeof secrets === "string" ? [secrets] : [...(secrets ?? [])]).filter((s) => s && s.length >= 4).sort((a, b) => b.length - a.length);
}

/** Removes secrets from text. */
export function redact(text: string, secrets: Secrets): string {
  for (const secret of list(secrets)) text = text.split(secret).join(REDACTED);
  return text;
}

/** Whether text holds any of the secrets. */
export function holdsSecret(text: string, secrets: Secrets): boolean {
  return list(secrets).some((secret) => text.includes(secret));
}

/**
 * A copy of a value with the secret removed from every string in it, object keys included, at any
 * depth. Plain data only (what msg.error and admin answers hold); cycles and depth are cut short.
 */
export function redactDeep<T>(value: T, secret: Secrets): T {
  if (!list(secret).length) return value;
  const walk = (v: unknown, depth: number, seen: Set<object>): unknown => {
    if (typeof v === "string") return redact(v, secret);
    if (typeof v !== "object" || v === null || Buffer.isBuffer(v) || ArrayBuffer.isView(v)) return v;
    if (depth >= MAX_DEPTH || seen.has(v)) return undefined;
    seen.add(v);
    try {
      if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1, seen));
      const out: Record<string, unknown> = {};
      // Defined, not assigned: a "__proto__" key stays a key.
      for (const [key, item] of Object.entries(v)) Object.defineProperty(out, redact(key, secret), { value: walk(item, depth + 1, seen), enumerable: true, writable: true, configurable: true });
      return out;
    } finally {
      seen.delete(v);
    }
  };
  return walk(value, 0, new Set()) as T;
}
