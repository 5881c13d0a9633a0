import assert from "assert";
import { IdleWatchdog } from "../../../nodes/lib/api/watchdog";
import { FakeClock } from "../../support/fake-clock";

describe("idle watchdog", () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock().install();
  });
  afterEach(() => clock.uninstall());

  it("fires only after a quiet period, and never after stop", () => {
    let fired = 0;
    const dog = new IdleWatchdog(30, () => fired++);
    dog.touch();
    dog.stop();
    clock.advance(60);
    assert.strictEqual(fired, 0);
    dog.touch();
    clock.advance(29);
    assert.strictEqual(fired, 0, "not before the idle time");
    clock.advance(1);
    assert.strictEqual(fired, 1);
  });

  it("starts the countdown again on every touch, so steady signs of life never trip it", () => {
    let fired = 0;
    const dog = new IdleWatchdog(1000, () => fired++);
    dog.touch();
    // Ten idle times' worth of activity, a touch every 900 ms.
    for (let i = 0; i < 11; i++) {
      clock.advance(900);
      dog.touch();
    }
    assert.strictEqual(fired, 0);
    assert.strictEqual(clock.armed, 1, "one countdown at a time");
    clock.advance(999);
    assert.strictEqual(fired, 0);
    clock.advance(1);
    assert.strictEqual(fired, 1, "fires a full idle time after the last touch");
  });

  it("does nothing with no timeout", () => {
    let fired = 0;
    const dog = new IdleWatchdog(0, () => fired++);
    dog.touch();
    assert.strictEqual(clock.armed, 0);
    clock.advance(60_000);
    assert.strictEqual(fired, 0);
  });
});
