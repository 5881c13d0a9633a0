// A real Node-RED process with adminAuth users, each logged in through the admin API: the way the
// permission rules of the editor endpoints are tested.
import assert from "assert";
import { startNodeRed, type NodeRedOptions, type NodeRedProcess } from "./node-red-process";

// Node-RED's own dependency, used here only to store the test users' passwords as Node-RED expects.
const bcrypt = require(require.resolve("bcryptjs", { paths: [require.resolve("@node-red/editor-api/package.json")] }));
const PASSWORD = "correct horse battery staple";

export interface AdminUser {
  username: string;
  permissions: string | string[];
  /** The scope asked for at login. */
  scope: string;
}

/** Starts Node-RED with these users and returns it with each user's access token. */
export async function startWithUsers(users: AdminUser[], options: NodeRedOptions = {}): Promise<{ nr: NodeRedProcess; tokens: Record<string, string> }> {
  const hash = bcrypt.hashSync(PASSWORD, 8);
  const nr = await startNodeRed({
    ...options,
    settings: { ...options.settings, adminAuth: { type: "credentials", users: users.map(({ username, permissions }) => ({ username, password: hash, permissions })) } },
  });
  const tokens: Record<string, string> = {};
  for (const { username, scope } of users) {
    const res = await fetch(`${nr.url}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "node-red-admin", grant_type: "password", scope, username, password: PASSWORD }),
    });
    assert.strictEqual(res.status, 200, `${username} logs in`);
    tokens[username] = ((await res.json()) as { access_token: string }).access_token;
  }
  return { nr, tokens };
}
