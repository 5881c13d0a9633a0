// Node-RED's context API in its callback form, which every store takes (memory, localfilesystem,
// Redis...), as promises; and flat keys for ids of any shape.

/** The callback form of Node-RED's context API. */
export interface ContextLike {
  get(key: string, store: string | undefined, cb: (err: Error | null | undefined, value?: any) => void): void;
  set(key: string, value: any, store: string | undefined, cb: (err?: Error | null) => void): void;
  keys(store: string | undefined, cb: (err: Error | null | undefined, keys?: string[]) => void): void;
}

/** Context keys treat "." and "[" as paths, so ids are encoded to stay one flat key after `prefix`. */
export function flatKey(prefix: string, id: string): string {
  return prefix + encodeURIComponent(id).replace(/[.!'()*~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A value of a store (`store` empty or undefined: the default store). */
export function readContext(context: ContextLike, key: string, store: string | undefined): Promise<any> {
  return new Promise((resolve, reject) => context.get(key, store || undefined, (err, value) => (err ? reject(err) : resolve(value))));
}

/** Sets (or with undefined, deletes) a value of a store. */
export function writeContext(context: ContextLike, key: string, value: unknown, store: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => context.set(key, value, store || undefined, (err) => (err ? reject(err) : resolve())));
}
