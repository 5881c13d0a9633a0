// Caches keyed by what a flow sends (a model name, a schema) must not grow without end.

/** Sets `key` in a map that holds at most `max` entries: a new key makes the oldest one go. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
