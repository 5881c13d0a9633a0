// The Node-RED versions the package supports, as options for startNodeRed: 4.1 (the dev dependency,
// on this Node 20) and 5 (installed on first use, on Node 22).
import { ensureNodeRed5 } from "./node-red-5";
import type { NodeRedOptions } from "./node-red-process";

export interface Runtime {
  name: string;
  /** Short, for file names: "nr4", "nr5". */
  id: string;
  /** What /settings reports as the version. */
  version: RegExp;
  options(): Promise<Pick<NodeRedOptions, "nodeBinary" | "nodeRedDir">>;
}

export const RUNTIMES: Runtime[] = [
  { name: "Node-RED 4.1 on Node 20", id: "nr4", version: /^4\.1\./, options: async () => ({}) },
  {
    name: "Node-RED 5 on Node 22",
    id: "nr5",
    version: /^5\./,
    options: async () => {
      const rt = await ensureNodeRed5();
      return { nodeBinary: rt.nodeBinary, nodeRedDir: rt.nodeRedDir };
    },
  },
];
