// The API key never leaves the runtime. A real Node-RED process runs a chat flow with a debug node
// (complete msg to sidebar, log and status) and a Catch node, through successes and every kind of
// failure; then the test greps everything a user or another program could see for the key.
import assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { chat, deploy, processChatFlow, recordComms } from "./support/chat-process";
import { KEY } from "./support/nodes";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

const ENV_KEY = "sk-ant-env-ANOTHER-SECRET-987654321";
/** A gateway's own token, kept as the account's extra headers credential. */
const GATEWAY_TOKEN = "gw-token-SECRET-5551234";
/** Pasted into the dialog with a trailing newline and spaces: it works, and is redacted all the same. */
const PASTED_KEY = `${KEY}\n  `;

/** Every file below a directory, as text. */
function filesBelow(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.name === "node_modules") continue;
    if (entry.isDirectory()) Object.assign(found, filesBelow(full));
    else found[full] = fs.readFileSync(full, "utf8");
  }
  return found;
}

describe("the API key stays in the runtime", function () {
  this.timeout(120_000);
  let api: AnthropicStandIn;
  let nr: NodeRedProcess;
  // Kept after Node-RED stops, to grep the files it wrote.
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "nrc-security-"));

  before(async () => {
    api = await new AnthropicStandIn().start();
    // A hostile gateway: every answer carries the key it was sent as its request id.
    api.echoKey = true;
    nr = await startNodeRed({
      userDir,
      packages: [REPO_ROOT],
      // The SDK's own debug logging asked for from the environment, and a second key there.
      env: { ANTHROPIC_LOG: "debug", ANTHROPIC_API_KEY: ENV_KEY, CLAUDE_KEY_COPY: KEY, CLAUDE_KEY_TEXT: `gateway token ${KEY} (do not share)` },
      settings: { logging: { console: { level: "trace", metrics: false, audit: true } } },
    });
  });
  after(async () => {
    await nr?.stop();
    await api.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it("appears nowhere: not in msg, debug sidebar, status, logs, errors, exported flows, credentials or files", async () => {
    // The environment's key renders empty; instructions that would hold the account's key (from a
    // variable holding it alone or among other text) are refused before any request.
    const instructions =
      "You help. {{env.ANTHROPIC_API_KEY}}{{#msg.payload.copy}}{{env.CLAUDE_KEY_COPY}}{{/msg.payload.copy}}{{#msg.payload.text_env}}{{env.CLAUDE_KEY_TEXT}}{{/msg.payload.text_env}}";
    await deploy(nr, processChatFlow(api.url, { apiKey: PASTED_KEY, store: "file", instructions, credentials: { headers: JSON.stringify({ "x-gateway-token": GATEWAY_TOKEN }) } }));
    const comms = await recordComms(nr);
    const answers: string[] = [];
    const ask = async (text: string) => answers.push((await chat(nr, text, "s1")).raw);

    await ask("hello");
    // Failures of every kind, including an API or gateway that echoes the key back in every field.
    api.reply({ status: 400, error: { type: "invalid_request_error", message: `invalid header x-api-key: ${KEY}` } });
    await ask("echo");
    api.reply({ status: 400, error: { type: `invalid_request_error:${KEY}`, message: "bad" }, headers: { "request-id": `req_${KEY}` }, requestId: `req_${KEY}` });
    await ask("echo in the type and request id");
    api.reply({ status: 529, error: { type: `overloaded_error ${KEY}`, message: "busy" }, headers: { "request-id": KEY }, requestId: KEY });
    await ask("echo in an overloaded answer");
    api.reply({ status: 403, error: { type: "permission_error", message: `gateway token ${GATEWAY_TOKEN} may not do this` } });
    await ask("echo of the gateway token");
    api.reply({ status: 401, error: { type: "authentication_error", message: "invalid x-api-key" } });
    await ask("refused");
    api.reply({ content: [{ type: "text", text: "cut" }], cutAfterEvents: 4 });
    await ask("cut");
    api.reply({ content: [{ type: "text", text: "boom" }], errorEventAfter: 4, errorEvent: { type: `api_error_${KEY}`, message: `internal ${KEY}` } });
    await ask("event");
    await ask("");
    const sentBefore = api.messageRequests.length;
    const refusals: string[] = [];
    // (msg, flow and global as sources are tested in test/conversation.test.ts: here a message holding the key would show it in the debug sidebar itself.)
    for (const extra of [{ copy: true }, { text_env: true }]) {
      const res = await fetch(`${nr.url}/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "hi", id: "s1", ...extra }) });
      refusals.push(await res.text());
      assert.strictEqual(res.status, 500);
    }
    assert.strictEqual(api.messageRequests.length, sentBefore, "instructions holding the key were never sent");
    for (const refusal of refusals) assert.match(refusal, /The instructions hold the account's API key/);
    answers.push(...refusals);
    await ask("bye");

    const exported = await (await fetch(`${nr.url}/flows`)).text();
    const credentials = await (await fetch(`${nr.url}/credentials/claude-config/chat-account`)).text();
    const settings = await (await fetch(`${nr.url}/settings`)).text();
    const context = await (await fetch(`${nr.url}/context/node/chat-node?store=file`)).text().catch(() => "");
    const modelsUrl = `${nr.url}/claude-config/chat-account/models`;
    const listed = await (await fetch(modelsUrl)).text();
    const tried = await (await fetch(modelsUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiKey: "__PWRD__" }) })).text();
    const refused = await (await fetch(modelsUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiKey: "__PWRD__", baseUrl: `${api.url}/echo` }) })).text();
    // The last answer's debug message reaches the websocket after the HTTP answer.
    while (!JSON.stringify(comms.messages).includes("You said: bye")) await new Promise((r) => setTimeout(r, 20));
    comms.close();
    await nr.stop();
    const files = filesBelow(nr.userDir);

    // The key was really in use, and the grep really saw what it greps.
    assert.ok(api.messageRequests.every((r) => r.headers.authorization === `Bearer ${KEY}`), "every request carried the key");
    assert.ok(api.requests.filter((r) => r.path.startsWith("/v1/")).every((r) => r.headers["x-gateway-token"] === GATEWAY_TOKEN), "and the gateway's header");
    assert.ok(comms.messages.some((m) => m.topic === "debug"), "the debug sidebar got messages");
    assert.ok(comms.messages.some((m) => String(m.topic).startsWith("status/")), "node status went to the editor");
    assert.match(answers.join("\n"), /\[redacted\]/, "an echoed key was redacted");
    // The Catch node's msg._error (the node's msg.error) reached the debug sidebar with the echoed fields redacted, not dropped.
    const debugged = JSON.stringify(comms.messages.filter((m) => m.topic === "debug"));
    assert.match(debugged, /invalid_request_error:\[redacted\]/, "msg.error.type was redacted");
    assert.match(debugged, /req_\[redacted\]/, "msg.error.request_id was redacted");
    assert.ok(nr.output().length > 1000, "the log was captured");
    assert.match(credentials, /"has_apiKey":true/);
    assert.match(credentials, /"has_headers":true/);
    assert.match(listed + tried, /claude-haiku-4-5/, "the model list endpoints answered");
    assert.match(refused, /"error"/, "a failing model list answered with an error");
    assert.ok(files[path.join(nr.userDir, "flows_cred.json")], "credentials were saved (encrypted)");

    // The template could not put either key into the prompt sent to Claude.
    const systems = api.messageRequests.map((r) => JSON.stringify(r.body.system));
    for (const system of systems) {
      assert.ok(!system.includes(KEY) && !system.includes(ENV_KEY), `a key reached the prompt: ${system}`);
    }

    const seen: Record<string, string> = {
      "HTTP answers (msg.payload / msg.error)": answers.join("\n"),
      "debug sidebar and status (/comms)": JSON.stringify(comms.messages),
      "Node-RED log": nr.output(),
      "exported flows (GET /flows)": exported,
      "credentials endpoint": credentials,
      "settings endpoint": settings,
      "context endpoint": context,
      "model list endpoint": listed + tried + refused,
      ...files,
    };
    for (const [where, text] of Object.entries(seen)) {
      assert.ok(!text.includes(KEY), `the key appears in ${where}: ${text.slice(Math.max(0, text.indexOf(KEY) - 300), text.indexOf(KEY) + 100)}`);
      assert.ok(!text.includes(ENV_KEY), `the environment's key appears in ${where}`);
      assert.ok(!text.includes(GATEWAY_TOKEN), `the gateway token appears in ${where}`);
    }
  });
});

describe("a base URL with user info", function () {
  this.timeout(120_000);
  const PASSWORD = "gw-PASSWORD-9876-secret";
  let api: AnthropicStandIn;
  let nr: NodeRedProcess;

  before(async () => {
    api = await new AnthropicStandIn().start();
    nr = await startNodeRed({ packages: [REPO_ROOT], settings: { logging: { console: { level: "trace", metrics: false, audit: true } } } });
  });
  after(async () => {
    await nr?.stop();
    await api.stop();
  });

  it("is refused at deploy and in the dialog's model list, and its password and key appear in no error, status, debug, log or admin answer", async () => {
    // A key placed in the URL too: both must stay hidden.
    const withUserInfo = api.url.replace("://", `://${KEY}:${PASSWORD}@`);
    await deploy(nr, processChatFlow(withUserInfo, { apiKey: KEY }));
    const comms = await recordComms(nr);
    const answer = await chat(nr, "hello", "u1");
    assert.strictEqual(answer.status, 500);
    assert.match(answer.raw, /The base URL \\"http:\/\/127\.0\.0\.1:\d+\/\\" carries a user name or password/);

    const modelsUrl = `${nr.url}/claude-config/chat-account/models`;
    const listed = await fetch(modelsUrl);
    const listedText = await listed.text();
    assert.strictEqual(listed.status, 409);
    assert.match(listedText, /carries a user name or password/);
    const tried = await fetch(modelsUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiKey: "__PWRD__", baseUrl: withUserInfo }) });
    const triedText = await tried.text();
    assert.strictEqual(tried.status, 400);
    assert.match(triedText, /carries a user name or password/);
    assert.strictEqual(api.requests.length, 0, "nothing was sent anywhere");

    while (!comms.messages.some((m) => m.topic === "debug")) await new Promise((r) => setTimeout(r, 20));
    comms.close();
    const seen: Record<string, string> = {
      "HTTP answer (msg.error)": answer.raw,
      "debug sidebar and status (/comms)": JSON.stringify(comms.messages),
      "Node-RED log": nr.output(),
      "model list endpoints": listedText + triedText,
    };
    assert.match(nr.output(), /carries a user name or password/, "the log says why");
    for (const [where, text] of Object.entries(seen)) {
      assert.ok(!text.includes(PASSWORD), `the password appears in ${where}`);
      assert.ok(!text.includes(KEY), `the key appears in ${where}`);
    }
  });
});

