// Tracks the timers that the package's own code and its Anthropic SDK client start, so tests can
// show none is left running.
import { createHook } from "async_hooks";
import * as path from "path";

const PACKAGE_CODE = [path.resolve(__dirname, "../../nodes") + path.sep, path.dirname(require.resolve("@anthropic-ai/sdk")) + path.sep];

/** Starts tracking; `live()` lists where each such timer that has not ended was made. */
export function trackPackageTimers(): { live(): string[]; stop(): void } {
  const timers = new Map<number, string>();
  const hook = createHook({
    init(asyncId, type) {
      if (type !== "Timeout") return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 30;
      const stack = new Error().stack ?? "";
      Error.stackTraceLimit = limit;
      const frame = stack.split("\n").find((line) => PACKAGE_CODE.some((dir) => line.includes(dir)));
      if (frame) timers.set(asyncId, frame.trim());
    },
    destroy(asyncId) {
      timers.delete(asyncId);
    },
  });
  hook.enable();
  return { live: () => [...timers.values()], stop: () => hook.disable() };
}
