// Fires when nothing has happened for a while. The SDK's timeout ends at the response headers, so
// a stream whose body stops arriving would otherwise wait forever.
export class IdleWatchdog {
  private timer?: NodeJS.Timeout;

  constructor(private readonly idleMs: number, private readonly onIdle: () => void) {}

  /** (Re)starts the countdown; call it on every sign of life. */
  touch(): void {
    if (this.idleMs <= 0) return;
    // Touched on every event of a stream: the running countdown is re-armed rather than replaced.
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onIdle();
    }, this.idleMs);
    // A countdown alone must never keep Node-RED from exiting.
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
