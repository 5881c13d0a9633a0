// What the editor endpoints of every node share: the admin app, registered once however often a node
// module is loaded, its permission checks, and how a dialog's password field says "unchanged".
import type { NodeAPI } from "node-red";
import type { RequestHandler } from "express";

/** What the editor holds in a password field whose stored value was not changed. */
export const UNCHANGED_PASSWORD = "__PWRD__";

export interface AdminApp {
  app: NonNullable<NodeAPI["httpAdmin"]>;
  needs(permission: string | string[]): RequestHandler;
}

const registered = new Map<string, WeakSet<object>>();

/** The admin app for a set of routes named `routes`, or undefined when they are already on it (or there is none). */
export function adminAppFor(RED: NodeAPI, routes: string): AdminApp | undefined {
  const app = RED.httpAdmin;
  if (!app) return undefined;
  const seen = registered.get(routes) ?? new WeakSet<object>();
  registered.set(routes, seen);
  if (seen.has(app)) return undefined;
  seen.add(app);
  return { app, needs: (permission) => RED.auth.needsPermission(permission as string) as RequestHandler };
}

/** A credential typed in a dialog, or undefined when the field still holds the stored one. */
export function typedCredential(value: unknown): string | undefined {
  return typeof value !== "string" || value === UNCHANGED_PASSWORD ? undefined : value;
}
