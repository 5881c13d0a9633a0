// The status a node shows while Claude writes: the characters so far, updated every hundred.
import type { Node, NodeAPI } from "node-red";
import { t } from "./messages";

/** An onText hook for Account.createMessage; one per message, so counts do not mix. */
export function writingStatus(RED: NodeAPI, node: Node): (delta: string) => void {
  let written = 0;
  return (delta) => {
    const before = Math.floor(written / 100);
    written += delta.length;
    if (written === delta.length || Math.floor(written / 100) !== before) {
      node.status({ fill: "blue", shape: "dot", text: t(RED, "status.writing", { chars: written }) });
    }
  };
}
