// The stand-in Anthropic API in a child process, so its CPU time and heap stay out of the
// benchmark process's measurements.
import { fork, type ChildProcess } from "child_process";
import * as path from "path";

export interface StandInConfig {
  /** Delay before each answer, like the API's time to respond. */
  latencyMs?: number;
  /** Answer with every user text of the request joined by "|" (to detect cross-talk), not just the last one. */
  echoAll?: boolean;
}

export interface StandInProcess {
  url: string;
  stop(): Promise<void>;
}

export async function startStandInProcess(config: StandInConfig = {}): Promise<StandInProcess> {
  const child: ChildProcess = fork(path.join(__dirname, "standin-server.js"), [JSON.stringify(config)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (m: any) => resolve(m.url));
    child.once("exit", (code) => reject(new Error(`stand-in exited (${code})`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send("stop");
      }),
  };
}
