// Measuring helpers: wall and CPU time of a phase, percentiles, garbage collection, heap.
import * as v8 from "v8";
import * as vm from "vm";

export interface Phase<T = void> {
  wallMs: number;
  cpuMs: number;
  value: T;
}

export async function measure<T>(fn: () => Promise<T>): Promise<Phase<T>> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = await fn();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, value };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

let gcFn: (() => void) | undefined;

/** A full garbage collection (the flag is set at run time, so no command-line option is needed). */
export function collectGarbage(): void {
  if (!gcFn) {
    v8.setFlagsFromString("--expose-gc");
    gcFn = vm.runInNewContext("gc");
  }
  gcFn!();
}

/** Heap in use after full collections, in bytes. */
export async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
