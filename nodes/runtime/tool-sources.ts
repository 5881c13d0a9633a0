// The registry of tool sources: tool nodes and MCP server nodes register themselves while deployed,
// and a conversation asks it for the sources it may use.
import type { ToolSource } from "../lib/tools/tool-source";
import { ClaudeError } from "../lib/errors";

export interface SourceEntry {
  /** The id of the node that offers the source. */
  id: string;
  /** The node type, e.g. "claude-tool". */
  kind: string;
  /** The tab (or subflow instance) the node is on; none for config nodes. */
  z?: string;
  source: ToolSource;
}

/** Which sources a conversation node takes, as its dialog saved it. */
export interface SourceSelection {
  /** "all": every source on the conversation's own tab; "selected": the ids listed; "none". */
  mode?: "all" | "none" | "selected";
  ids?: string[];
  /** The conversation's tab. */
  z?: string;
}

export class ToolSourceRegistry {
  private readonly entries = new Map<string, SourceEntry>();

  /** Adds a source; returns the function that removes exactly this registration. */
  add(entry: SourceEntry): () => void {
    this.entries.set(entry.id, entry);
    return () => {
      // A redeployed node registers again under the same id before or after the old one closes.
      if (this.entries.get(entry.id) === entry) this.entries.delete(entry.id);
    };
  }

  /** Whether a node of this id offers a source right now. */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /**
   * The sources of a conversation, in a stable order (selected: as listed). Two tool nodes of one
   * name are the user's to fix, so that is an error; other clashes the tool set resolves.
   */
  select(selection: SourceSelection): ToolSource[] {
    if (selection.mode === "none") return [];
    let chosen: SourceEntry[];
    if (selection.mode === "selected") {
      chosen = (selection.ids ?? []).map((id) => this.entries.get(id)).filter((e): e is SourceEntry => e !== undefined);
    } else {
      chosen = [...this.entries.values()].filter((e) => e.z !== undefined && e.z === selection.z);
    }
    const names = new Set<string>();
    for (const entry of chosen) {
      if (entry.kind !== "claude-tool") continue;
      if (names.has(entry.source.label)) throw new ClaudeError("errors.duplicate-tool", { name: entry.source.label }, "invalid_config");
      names.add(entry.source.label);
    }
    return chosen.map((e) => e.source);
  }
}

export const toolSources = new ToolSourceRegistry();
