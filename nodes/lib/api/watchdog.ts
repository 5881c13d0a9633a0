// Fires when nothing has happened for a while. The SDK's timeout ends at the response headers, so
// a stream whose body stops arriving would otherwise wait forever.
export class IdleWatchdog {
  private timer?: NodeJS.Timeout;

  constructor(private readonly idleMs: number, private readonly onIdle: () => void) {}

  /** (Re)starts the countdown; call it on every sign of life. */
  touch(): void {
    if (this.idleMs <= 0) return;
    clearTimeout(this.timer);
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
