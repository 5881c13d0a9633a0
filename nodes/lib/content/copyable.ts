// Whether a message can be copied the way Node-RED copies it (a deep clone, when it is sent on to
// several nodes or to a Catch or Complete node). A payload nested thousands of levels deep, a
// getter that throws or a Proxy whose traps throw make that copy throw, outside any handler, and
// Node-RED exits. So such a message is found first, without recursion and without letting a throw out.

/** Levels of nesting allowed below a message property; Node-RED's clone overflows the stack at a few thousand. */
export const MAX_DEPTH = 1000;

/** Properties Node-RED's clone passes on as they are (the HTTP request and response). */
const NOT_CLONED = new Set(["req", "res"]);

export interface CopyProblem {
  /** The top-level property of msg that holds it. */
  property: string;
  problem: "too-deep" | "unreadable";
  /** What threw, for "unreadable". */
  detail?: string;
}

/** The first property of a message that cannot be copied, or undefined. */
export function copyProblem(msg: Record<string, unknown>): CopyProblem | undefined {
  let properties: string[];
  try {
    properties = Object.keys(msg);
  } catch (err) {
    return { property: "", problem: "unreadable", detail: describeThrow(err) };
  }
  for (const property of properties) {
    if (NOT_CLONED.has(property)) continue;
    const problem = valueProblem(() => msg[property]);
    if (problem) return { property, ...problem };
  }
  return undefined;
}

/** Walks a value depth-first with its own stack, reading everything a deep clone reads. */
function valueProblem(read: () => unknown): Omit<CopyProblem, "property"> | undefined {
  const seen = new Set<object>();
  const stack: Array<[unknown, number]> = [];
  try {
    stack.push([read(), 0]);
    while (stack.length) {
      const [value, depth] = stack.pop()!;
      if (typeof value !== "object" || value === null) continue;
      if (seen.has(value)) continue;
      seen.add(value);
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) continue;
      if (depth >= MAX_DEPTH) return { problem: "too-deep" };
      // What a clone asks of every object: its kind, its prototype, its keys and their values.
      Object.prototype.toString.call(value);
      Object.getPrototypeOf(value);
      Array.isArray(value);
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
        if (!descriptor?.enumerable) continue;
        stack.push([(value as any)[key], depth + 1]);
      }
      if (value instanceof Map || value instanceof Set) {
        value.forEach((item: unknown, key: unknown) => {
          stack.push([item, depth + 1]);
          stack.push([key, depth + 1]);
        });
      }
    }
  } catch (err) {
    return { problem: "unreadable", detail: describeThrow(err) };
  }
  return undefined;
}

/** The message of what was thrown, without trusting it (a thrown Proxy may throw again). */
function describeThrow(err: unknown): string {
  try {
    // Errors from another realm (a function node's sandbox) are not instances of this realm's Error.
    const message = typeof (err as any)?.message === "string" ? (err as any).message : String(err);
    return message.length > 200 ? message.slice(0, 199) + "…" : message;
  } catch {
    return "?";
  }
}
