// The memory tool's commands over one memory held as plain data (file path → text), as Anthropic
// defines them (view, create, str_replace, insert, delete, rename) with the texts of the SDK's own
// file system implementation. Directories are implied by the files under them. Pure: the caller loads
// and stores the data.
import type {
  BetaMemoryTool20250818Command as MemoryCommand,
  BetaMemoryTool20250818CreateCommand,
  BetaMemoryTool20250818DeleteCommand,
  BetaMemoryTool20250818InsertCommand,
  BetaMemoryTool20250818RenameCommand,
  BetaMemoryTool20250818StrReplaceCommand,
  BetaMemoryTool20250818ViewCommand,
} from "@anthropic-ai/sdk/resources/beta/messages/messages";
import { memoryPath, MemoryPathError, ROOT, within } from "./paths";

export type { MemoryCommand };

/** One memory: its files by path. */
export interface MemoryData {
  files: Record<string, string>;
}

export interface MemoryLimits {
  /** Most characters in one file. */
  fileChars: number;
  /** Most characters in all files of a memory together. */
  totalChars: number;
  /** Most files in a memory. */
  files: number;
}

export const MEMORY_LIMITS: Readonly<MemoryLimits> = Object.freeze({ fileChars: 20_000, totalChars: 200_000, files: 200 });

/** A command that cannot be done; its text goes back to Claude as the error result. */
export class MemoryCommandError extends Error {}

const LINE_NUMBER_WIDTH = 6;
const numbered = (lines: string[], first: number) => lines.map((line, i) => `${String(i + first).padStart(LINE_NUMBER_WIDTH, " ")}\t${line}`).join("\n");

function size(bytes: number): string {
  if (bytes === 0) return "0B";
  const units = ["B", "K", "M", "G"];
  const i = Math.min(units.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  const value = bytes / 1024 ** i;
  return (value % 1 === 0 ? String(value) : value.toFixed(1)) + units[i];
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string") throw new MemoryCommandError(`The parameter \`${field}\` must be a string.`);
  return value;
}

export class MemoryFiles {
  constructor(
    /** Changed in place by the commands that write. */
    readonly data: MemoryData,
    private readonly limits: MemoryLimits = MEMORY_LIMITS,
  ) {}

  /** Runs one command; returns the result text, or throws MemoryPathError / MemoryCommandError. */
  run(command: MemoryCommand): string {
    if (!command || typeof command !== "object") throw new MemoryCommandError("The input must be an object with a `command`.");
    switch (command.command) {
      case "view":
        return this.view(command);
      case "create":
        return this.create(command);
      case "str_replace":
        return this.strReplace(command);
      case "insert":
        return this.insert(command);
      case "delete":
        return this.delete(command);
      case "rename":
        return this.rename(command);
      default:
        throw new MemoryCommandError(`Unknown command ${JSON.stringify((command as { command?: unknown }).command)}: use view, create, str_replace, insert, delete or rename.`);
    }
  }

  /** Whether the command may change the memory (a view never does: the caller need not store). */
  static writes(command: MemoryCommand): boolean {
    return command?.command !== "view";
  }

  private get paths(): string[] {
    return Object.keys(this.data.files).sort();
  }

  private isFile(path: string): boolean {
    return Object.hasOwn(this.data.files, path);
  }

  private isDirectory(path: string): boolean {
    return path === ROOT || Object.keys(this.data.files).some((p) => p.startsWith(path + "/"));
  }

  /** A file cannot sit where a directory of `path` would have to be. */
  private noFileAbove(path: string): void {
    for (let parent = path.slice(0, path.lastIndexOf("/")); parent.length > ROOT.length; parent = parent.slice(0, parent.lastIndexOf("/"))) {
      if (this.isFile(parent)) throw new MemoryCommandError(`The path ${parent} is a file, not a directory.`);
    }
  }

  private file(path: string): string {
    if (this.isFile(path)) return this.data.files[path];
    if (this.isDirectory(path)) throw new MemoryCommandError(`The path ${path} is not a file.`);
    throw new MemoryCommandError(`The path ${path} does not exist. Please provide a valid path.`);
  }

  /** Checks the caps for `path` holding `content` (a new or changed file). */
  private fits(path: string, content: string): void {
    if (content.length > this.limits.fileChars) {
      throw new MemoryCommandError(`File ${path} would hold ${content.length} characters; a memory file holds at most ${this.limits.fileChars}. Keep notes short or split them.`);
    }
    const others = Object.entries(this.data.files).reduce((sum, [p, c]) => (p === path ? sum : sum + c.length), 0);
    if (others + content.length > this.limits.totalChars) {
      throw new MemoryCommandError(`The memory would hold ${others + content.length} characters; it holds at most ${this.limits.totalChars}. Delete or shorten notes that are no longer needed.`);
    }
    if (!this.isFile(path) && Object.keys(this.data.files).length >= this.limits.files) {
      throw new MemoryCommandError(`The memory already holds ${this.limits.files} files, the most it may. Delete or merge notes first.`);
    }
  }

  private view(command: BetaMemoryTool20250818ViewCommand): string {
    const path = memoryPath(command.path);
    if (this.isFile(path)) {
      const lines = this.data.files[path].split("\n");
      let shown = lines;
      let first = 1;
      const range = command.view_range;
      if (range !== undefined && range !== null) {
        if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isInteger(n))) {
          throw new MemoryCommandError("The parameter `view_range` must be two whole numbers: [first line, last line] (last -1: to the end).");
        }
        first = Math.max(1, range[0]);
        const last = range[1] === -1 ? lines.length : range[1];
        shown = lines.slice(first - 1, last);
      }
      return `Here's the content of ${path} with line numbers:\n${numbered(shown, first)}`;
    }
    if (!this.isDirectory(path)) throw new MemoryCommandError(`The path ${path} does not exist. Please provide a valid path.`);
    const depth = (p: string) => p.slice(path.length + 1).split("/").length;
    const entries = new Map<string, number>();
    for (const file of this.paths.filter((p) => p.startsWith(path + "/"))) {
      const bytes = Buffer.byteLength(this.data.files[file]);
      const parts = file.slice(path.length + 1).split("/");
      if (parts.some((part) => part.startsWith(".") || part === "node_modules")) continue;
      // Directories on the way count the file's size; files deeper than 2 levels are not listed.
      for (let i = 1; i < parts.length && i <= 2; i++) {
        const dir = `${path}/${parts.slice(0, i).join("/")}/`;
        entries.set(dir, (entries.get(dir) ?? 0) + bytes);
      }
      if (depth(file) <= 2) entries.set(file, bytes);
    }
    const total = this.paths.filter((p) => within(p, path)).reduce((sum, p) => sum + Buffer.byteLength(this.data.files[p]), 0);
    const lines = [`${size(total)}\t${path}`, ...[...entries.keys()].sort().map((p) => `${size(entries.get(p)!)}\t${p}`)];
    return `Here're the files and directories up to 2 levels deep in ${path}, excluding hidden items and node_modules:\n${lines.join("\n")}`;
  }

  private create(command: BetaMemoryTool20250818CreateCommand): string {
    const path = memoryPath(command.path);
    const content = text(command.file_text, "file_text");
    if (path === ROOT || this.isDirectory(path)) throw new MemoryCommandError(`The path ${path} is a directory.`);
    if (this.isFile(path)) throw new MemoryCommandError(`File ${path} already exists`);
    this.noFileAbove(path);
    this.fits(path, content);
    this.data.files[path] = content;
    return `File created successfully at: ${path}`;
  }

  private strReplace(command: BetaMemoryTool20250818StrReplaceCommand): string {
    const path = memoryPath(command.path);
    const oldStr = text(command.old_str, "old_str");
    const newStr = text(command.new_str, "new_str");
    const content = this.file(path);
    if (!oldStr) throw new MemoryCommandError("The parameter `old_str` must not be empty.");
    const count = content.split(oldStr).length - 1;
    if (count === 0) throw new MemoryCommandError(`No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${path}.`);
    if (count > 1) {
      const lines = content.split("\n").flatMap((line, i) => (line.includes(oldStr) ? [i + 1] : []));
      throw new MemoryCommandError(`No replacement was performed. Multiple occurrences of old_str \`${oldStr}\` in lines: ${lines.join(", ")}. Please ensure it is unique`);
    }
    const at = content.indexOf(oldStr);
    const changed = content.slice(0, at) + newStr + content.slice(at + oldStr.length);
    this.fits(path, changed);
    this.data.files[path] = changed;
    const line = content.slice(0, at).split("\n").length - 1;
    const lines = changed.split("\n");
    const start = Math.max(0, line - 2);
    return `The memory file has been edited. Here is the snippet showing the change (with line numbers):\n${numbered(lines.slice(start, Math.min(lines.length, line + 3 + newStr.split("\n").length - 1)), start + 1)}`;
  }

  private insert(command: BetaMemoryTool20250818InsertCommand): string {
    const path = memoryPath(command.path);
    const insertText = text(command.insert_text, "insert_text");
    const content = this.file(path);
    const lines = content.split("\n");
    const at = command.insert_line;
    if (!Number.isInteger(at) || at < 0 || at > lines.length) {
      throw new MemoryCommandError(`Invalid \`insert_line\` parameter: ${at}. It should be within the range of lines of the file: [0, ${lines.length}]`);
    }
    lines.splice(at, 0, insertText.replace(/\n$/, ""));
    const changed = lines.join("\n");
    this.fits(path, changed);
    this.data.files[path] = changed;
    return `The file ${path} has been edited.`;
  }

  private delete(command: BetaMemoryTool20250818DeleteCommand): string {
    const path = memoryPath(command.path);
    if (path === ROOT) throw new MemoryCommandError("Cannot delete the /memories directory itself");
    const doomed = this.paths.filter((p) => within(p, path));
    if (!doomed.length) throw new MemoryCommandError(`The path ${path} does not exist`);
    for (const p of doomed) delete this.data.files[p];
    return `Successfully deleted ${path}`;
  }

  private rename(command: BetaMemoryTool20250818RenameCommand): string {
    const from = memoryPath(command.old_path);
    const to = memoryPath(command.new_path);
    if (from === ROOT) throw new MemoryCommandError("Cannot rename the /memories directory itself");
    if (to === ROOT || this.isFile(to) || this.isDirectory(to)) throw new MemoryCommandError(`The destination ${to} already exists`);
    if (within(to, from)) throw new MemoryCommandError(`Cannot move ${from} into itself`);
    const moving = this.paths.filter((p) => within(p, from));
    if (!moving.length) throw new MemoryCommandError(`The path ${from} does not exist`);
    this.noFileAbove(to);
    for (const p of moving) {
      const content = this.data.files[p];
      delete this.data.files[p];
      this.data.files[to + p.slice(from.length)] = content;
    }
    return `Successfully renamed ${from} to ${to}`;
  }
}

export { MemoryPathError };
