// Whether a Node-RED context store keeps what is written to it through a crash, read from the
// `contextStorage` of settings.js the way Node-RED itself resolves store names. No Node-RED here.

export type Durability =
  /** Written to disk before the write is reported done (`localfilesystem` with `cache: false`). */
  | { kind: "durable"; store: string }
  /** Kept in memory and written to disk every `flushSeconds` (`localfilesystem` with its cache on). */
  | { kind: "cached"; store: string; flushSeconds: number }
  /** Kept in memory only: lost on every restart. */
  | { kind: "memory"; store: string }
  /** A store of another module: we cannot tell. */
  | { kind: "unknown"; store: string };

interface StoreSetting {
  module?: unknown;
  config?: { cache?: unknown; flushInterval?: unknown };
}

/** Node-RED's default flush interval of a cached `localfilesystem` store, in seconds. */
const DEFAULT_FLUSH_SECONDS = 30;

/**
 * The store that `name` (empty: the default store) resolves to, and how durable it is. Node-RED
 * sends unknown names to the default store; with no `contextStorage` at all the default is memory.
 */
export function storeDurability(contextStorage: unknown, name?: string): Durability {
  const stores: Record<string, unknown> = contextStorage && typeof contextStorage === "object" ? (contextStorage as Record<string, unknown>) : {};
  const names = Object.keys(stores).filter((n) => n !== "_" && n !== "default");
  const isStore = (n: string) => Object.prototype.hasOwnProperty.call(stores, n) && !!stores[n] && typeof stores[n] === "object";
  let resolved: string | undefined;
  if (name && name !== "default" && isStore(name)) resolved = name;
  else if (typeof stores.default === "string" && isStore(stores.default)) resolved = stores.default;
  else if (isStore("default")) resolved = "default";
  else resolved = names.find(isStore);
  if (!resolved) return { kind: "memory", store: "memory" };

  const setting = stores[resolved] as StoreSetting;
  if (setting.module === "memory") return { kind: "memory", store: resolved };
  if (setting.module !== "localfilesystem") return { kind: "unknown", store: resolved };
  const config = setting.config ?? {};
  if (config.cache === false) return { kind: "durable", store: resolved };
  const flush = Number(config.flushInterval);
  return { kind: "cached", store: resolved, flushSeconds: Number.isFinite(flush) && flush >= 0 ? flush : DEFAULT_FLUSH_SECONDS };
}
