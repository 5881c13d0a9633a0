// The warning a node gives once at deploy when what it keeps goes to a context store that does not
// write it at once (a crash loses the last changes) or does not keep it at all (a restart loses it).
import type { Node, NodeAPI } from "node-red";
import { storeDurability } from "../lib/conversation/store-durability";
import { t } from "./messages";

/** What a node keeps in a context store: its conversations, or an account's daily token count. */
export type Kept = "conversations" | "usage";

/** The warning for `store` (empty: the default store), or undefined when it keeps writes at once or cannot be told. */
export function storeWarning(RED: NodeAPI, kept: Kept, store: string | undefined): string | undefined {
  const durability = storeDurability((RED.settings as unknown as Record<string, unknown>).contextStorage, store);
  if (durability.kind === "memory") return t(RED, `warnings.store-memory-${kept}`, { store: durability.store });
  if (durability.kind === "cached") return t(RED, `warnings.store-cached-${kept}`, { store: durability.store, seconds: durability.flushSeconds });
  return undefined;
}

/** Warns once (call it where the node is created, that is at deploy). */
export function warnIfNotDurable(RED: NodeAPI, node: Node, kept: Kept, store: string | undefined): void {
  const warning = storeWarning(RED, kept, store);
  if (warning) node.warn(warning);
}
