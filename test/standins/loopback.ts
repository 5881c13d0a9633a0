// What every stand-in's HTTP server needs: listening on loopback only, closing without waiting for
// clients that keep connections alive or hold an answer open, and promises for recorded traffic.
import type * as http from "http";
import type { AddressInfo } from "net";

/** Listens on 127.0.0.1 (a free port unless `port` is given) and resolves with the port. */
export function listenOnLoopback(server: http.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the server and drops every connection still open (kept alive, streaming or long polling). */
export function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Promises that resolve once enough of some recorded traffic has arrived; `check()` after each arrival. */
export class Arrivals {
  #waiters: Array<() => boolean> = [];

  /** Resolves with `found()` once it holds at least `count` entries. */
  when<T>(count: number, found: () => T[]): Promise<T[]> {
    return new Promise((resolve) => {
      const check = () => {
        const entries = found();
        if (entries.length < count) return false;
        resolve(entries);
        return true;
      };
      if (!check()) this.#waiters.push(check);
    });
  }

  check(): void {
    this.#waiters = this.#waiters.filter((check) => !check());
  }
}
