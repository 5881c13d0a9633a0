// Paths of the memory tool: Claude names files as /memories/…; every other place is refused, however
// it is spelled (`..`, another absolute path, backslashes, percent-encoded dots and slashes).

export const ROOT = "/memories";

/** A path Claude may not use; its text goes back to Claude as the error result. */
export class MemoryPathError extends Error {}

/** Percent-decoded as often as it changes (at most a few times), so `%252e%252e` is seen as `..`. */
function decoded(text: string): string {
  let current = text;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * The canonical form of a memory path ("/memories" or "/memories/a/b.md"), or a MemoryPathError.
 * Segments "." and "..", empty segments, backslashes, control characters and any encoding of them are
 * refused rather than resolved: a path that needs resolving is not one Claude should send.
 */
export function memoryPath(raw: unknown): string {
  if (typeof raw !== "string" || !raw) throw new MemoryPathError("The path must be a non-empty string starting with /memories.");
  const path = raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
  if (path !== ROOT && !path.startsWith(ROOT + "/")) throw new MemoryPathError(`The path ${raw} is outside the /memories directory. Every path must start with /memories.`);
  const plain = decoded(path);
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(plain)) throw new MemoryPathError(`The path ${raw} contains a backslash or a control character.`);
  const segments = plain.slice(ROOT.length + 1).split("/");
  if (path !== ROOT && segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new MemoryPathError(`The path ${raw} would leave the /memories directory or is not a plain path: use /memories/<name> without "." or ".." segments.`);
  }
  if (plain !== path) throw new MemoryPathError(`The path ${raw} is percent-encoded: use the plain name.`);
  if (path.length > 512) throw new MemoryPathError(`The path ${raw.slice(0, 40)}… is longer than 512 characters.`);
  return path;
}

/** Whether `path` is `dir` or lies under it. */
export function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + "/");
}
