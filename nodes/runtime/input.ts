// The input skeleton every message-handling node shares (as Node-RED's own nodes and
// home-assistant-websocket's input controller do): look up the account, evaluate the typed inputs,
// run, set the status, send, and end the message with done() or done(err); on close, end the work
// in flight. A node writes only what differs: its `run`.
import { setMaxListeners } from "events";
import type { Node, NodeAPI, NodeMessage, NodeStatus } from "node-red";
import type { Account } from "../lib/api/account";
import { accountOf } from "./account-node";
import { endMessage, evaluate, flowError, FlowFailure, refuseUncopyable, shorten, translate } from "./messages";

export type Msg = NodeMessage & Record<string, any>;
type Send = (msg: NodeMessage | Array<NodeMessage | null>) => void;

/**
 * A typed input: the node property holding its value (its type is in `<property>Type`, as the
 * dialog's typedInput saves it), and the msg property it reads when the value is empty.
 */
export type InputSpec = readonly [property: string, fallback: string];

/** What the skeleton reads from a node's saved properties. */
export interface InputDef {
  /** The id of the node's claude-config account. */
  config: string;
}

export interface Job<K extends string> {
  msg: Msg;
  account: Account;
  /** The evaluated typed inputs, by name. */
  inputs: Record<K, any>;
  /** Aborted when the node closes: every request of the message listens to it. */
  signal: AbortSignal;
  /** Node-RED's send, for messages sent while the work goes on (an array for several outputs). */
  send: Send;
}

export interface Handled {
  /** The status to show once the message is handled. */
  status: NodeStatus;
  /** False when there is nothing to send (the message only reset something). */
  send?: boolean;
  /** For a node with several outputs: what each output sends (default: msg on the only one). */
  outputs?: Array<NodeMessage | null>;
}

export interface InputSettings<K extends string> {
  inputs: Record<K, InputSpec>;
  run: (job: Job<K>) => Promise<Handled>;
  /** Cleans up the node's own things on close (timers). */
  close?: () => void;
}

/** Registers the input and close handlers; the node's lifetime signal ends every message's work on close. */
export function handleInput<K extends string>(RED: NodeAPI, node: Node, def: InputDef, settings: InputSettings<K>): void {
  const lifetime = new AbortController();
  const signal = lifetime.signal;
  // Every request in flight listens for the node closing; many at once are normal, not a leak.
  setMaxListeners(0, signal);
  const saved = def as unknown as Record<string, unknown>;

  node.on("input", (msg: Msg, send: Send, done: (err?: Error) => void) => {
    let secret: readonly string[] = [];
    (async () => {
      // First: a message Node-RED cannot copy would make reporting any later failure throw.
      refuseUncopyable(msg);
      const account = accountOf(RED, def.config);
      secret = account.secrets;
      const inputs = {} as Record<K, any>;
      for (const [name, [property, fallback]] of Object.entries(settings.inputs) as Array<[K, InputSpec]>) {
        inputs[name] = await evaluate(RED, node, String(saved[property] || fallback), String(saved[`${property}Type`] || "msg"), msg);
      }
      const handled = await settings.run({ msg, account, inputs, signal, send });
      // A message that finishes after the node was stopped is not delivered.
      if (signal.aborted) return done();
      node.status(handled.status);
      if (handled.send !== false) send(handled.outputs ?? msg);
      endMessage(node, done);
    })().catch((err) => {
      if (signal.aborted) return done();
      const failure = translate(RED, err, secret);
      msg.error = flowError(failure);
      // Ended by the account closing (a redeploy): nothing for a Catch node to act on.
      if (failure.type === "aborted") return done();
      node.status({ fill: "red", shape: "ring", text: shorten(failure.text) });
      // done(err): Catch nodes see the failure, Complete nodes do not.
      endMessage(node, done, new FlowFailure(failure.text, failure.type));
    });
  });

  node.on("close", (done: () => void) => {
    lifetime.abort();
    settings.close?.();
    done();
  });
}
