import assert from "assert";
import { IdleWatchdog } from "../../../nodes/lib/api/watchdog";

describe("idle watchdog", () => {
  it("fires only after a quiet period, and never after stop", async () => {
    let fired = 0;
    const dog = new IdleWatchdog(30, () => fired++);
    dog.touch();
    assert.ok(dog.running);
    dog.stop();
    await new Promise((r) => setTimeout(r, 60));
    assert.strictEqual(fired, 0);
    dog.touch();
    await new Promise((r) => setTimeout(r, 60));
    assert.strictEqual(fired, 1);
    assert.ok(!dog.running);
  });

  it("does nothing with no timeout", () => {
    const dog = new IdleWatchdog(0, () => assert.fail("fired"));
    dog.touch();
    assert.ok(!dog.running);
  });
});
