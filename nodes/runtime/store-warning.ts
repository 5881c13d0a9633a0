// The warning a node gives once at deploy when what it keeps goes to a context store that does not
// write it at once (a crash loses the last changes) or does not keep it at all (a restart loses it).
import type { Node, NodeAPI } from "node-red";
import { storeDurability } from "../lib/conversation/store-durability";
import { t } from "./messages";

/** What a node keeps in a context store: its conversations, or an account's daily token count. */
export type Kept = "conversations" | "usage";

/**
 * Warns when `store` (empty: the default store) does not keep writes at once; silent when it does or
 * cannot be told. Call it where the node is created, that is at deploy, so it warns once.
 */
export function warnIfNotDurable(RED: NodeAPI, node: Node, kept: Kept, store: string | undefined): void {
  const durability = storeDurability((RED.settings as unknown as Record<string, unknown>).contextStorage, store);
  if (durability.kind === "memory") node.warn(t(RED, `warnings.store-memory-${kept}`, { store: durability.store }));
  if (durability.kind === "cached") node.warn(t(RED, `warnings.store-cached-${kept}`, { store: durability.store, seconds: durability.flushSeconds }));
}
