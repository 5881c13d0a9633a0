// A clock the test moves by hand: replaces the global setTimeout/clearTimeout while installed, so
// code that arms timers can be checked against exact durations without waiting for them.
interface Pending {
  at: number;
  fn: () => void;
}

export class FakeClock {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private saved?: { set: typeof setTimeout; clear: typeof clearTimeout };

  install(): this {
    this.saved = { set: globalThis.setTimeout, clear: globalThis.clearTimeout };
    const clock = this;
    globalThis.setTimeout = ((fn: () => void, ms = 0) => {
      const id = clock.next++;
      const arm = () => clock.pending.set(id, { at: clock.now + Math.max(0, ms), fn });
      arm();
      // Shaped like Node's Timeout as far as the code under test uses it; refresh() re-arms it from now, as Node's does.
      return { id, unref() { return this; }, ref() { return this; }, refresh() { arm(); return this; }, hasRef: () => false, [Symbol.toPrimitive]: () => id };
    }) as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((handle: unknown) => {
      if (handle && typeof handle === "object" && "id" in handle) clock.pending.delete((handle as { id: number }).id);
    }) as typeof clearTimeout;
    return this;
  }

  uninstall(): void {
    if (!this.saved) return;
    globalThis.setTimeout = this.saved.set;
    globalThis.clearTimeout = this.saved.clear;
    this.saved = undefined;
  }

  /** Timers armed and not yet fired or cleared. */
  get armed(): number {
    return this.pending.size;
  }

  /** Moves time on, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }
}
