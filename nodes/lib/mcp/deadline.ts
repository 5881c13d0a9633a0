// One MCP request under a time limit and the caller's abort signal. The request gets a signal of
// its own that aborts on either; the promise settles when either fires even if the request ignores
// its signal, so a silent server can never hold a turn. The timer and listener go with it.
export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

export class StoppedError extends Error {
  constructor() {
    super("stopped");
  }
}

/** `outer`: the signals that stop the request (the caller's, the session's). */
export function withDeadline<T>(run: (signal: AbortSignal) => Promise<T>, ms: number, ...outer: Array<AbortSignal | undefined>): Promise<T> {
  const signals = outer.filter((s): s is AbortSignal => !!s);
  if (signals.some((s) => s.aborted)) return Promise.reject(new StoppedError());
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", onAbort);
      settle();
    };
    const onAbort = () => {
      controller.abort();
      finish(() => reject(new StoppedError()));
    };
    const timer = setTimeout(() => {
      controller.abort();
      finish(() => reject(new DeadlineError(ms)));
    }, ms);
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
    run(controller.signal).then(
      (value) => finish(() => resolve(value)),
      (err) => finish(() => reject(err)),
    );
  });
}
