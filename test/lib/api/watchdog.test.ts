import assert from "assert";
import { IdleWatchdog } from "../../../nodes/lib/api/watchdog";

describe("idle watchdog", () => {
  it("fires only after a quiet period, and never after stop", async () => {
    let fired = 0;
    const dog = new IdleWatchdog(30, () => fired++);
    dog.touch();
    dog.stop();
    await new Promise((r) => setTimeout(r, 60));
    assert.strictEqual(fired, 0);
    dog.touch();
    await new Promise((r) => setTimeout(r, 60));
    assert.strictEqual(fired, 1);
  });

  it("does nothing with no timeout", async () => {
    let fired = 0;
    const dog = new IdleWatchdog(0, () => fired++);
    dog.touch();
    await new Promise((r) => setTimeout(r, 30));
    assert.strictEqual(fired, 0);
  });
});
