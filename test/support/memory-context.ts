// A context with the callback API of Node-RED's memory store, for unit tests of modules that keep
// their data through the context API.
import type { ContextLike } from "../../nodes/lib/conversation/memory";

export function memoryContext(): ContextLike & { data: Map<string, any> } {
  const data = new Map<string, any>();
  return {
    data,
    get: (key, _store, cb) => setImmediate(() => cb(null, data.get(key))),
    set: (key, value, _store, cb) =>
      setImmediate(() => {
        if (value === undefined) data.delete(key);
        else data.set(key, value);
        cb(null);
      }),
    keys: (_store, cb) => setImmediate(() => cb(null, [...data.keys()])),
  };
}
