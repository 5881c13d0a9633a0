// Values as the editor saves them: numbers may arrive as strings, lists as comma or line separated
// text. Empty or unusable values mean the default, so a cleared field never becomes 0 by accident.

export interface NumberRule {
  /** Drop any fraction (counts, token limits). */
  whole?: boolean;
  /** Zero is not allowed either (timeouts, max tokens). */
  positive?: boolean;
}

export function editorNumber(value: unknown, fallback: number, rule: NumberRule = {}): number {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) return fallback;
  const result = rule.whole ? Math.floor(n) : n;
  // Checked after rounding down, so 0.5 max tokens is not sent as 0.
  return rule.positive && result === 0 ? fallback : result;
}

/** A list: an array, or text separated by commas or new lines; trimmed, lower case, no repeats. */
export function editorList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[,\n]/) : [];
  return [...new Set(items.map((v) => String(v).trim().toLowerCase()).filter(Boolean))];
}
