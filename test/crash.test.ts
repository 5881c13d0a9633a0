// A crash right after an answer, in a real Node-RED process with `npm start`'s context stores
// (scripts/context-storage.js): SIGKILL as soon as the answer arrived, restart on the same user
// directory. With conversations and the daily count in the `durable` store (localfilesystem,
// cache: false) every completed turn and every counted token is there; in the cached `file` store
// they are lost, which is what the warning at deploy says, once.
import assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnthropicStandIn, lastUserText } from "./standins/anthropic-standin";
import { CHAT_NODE, CHAT_TAB, chat, deploy, flowsStarted, processChatFlow } from "./support/chat-process";
import { KEY } from "./support/nodes";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

const contextStorage = require(path.join(REPO_ROOT, "scripts", "context-storage.js"));
const TOKENS_PER_TURN = 110;
const CRASHES = 3;
const USAGE_KEY = "claude_usage_chat_account";
const TURNS: Array<[string, string]> = [
  ["kitchen", "I am Ada"],
  ["garden", "I am Bob"],
  ["kitchen", "I live in Bonn"],
  ["garden", "I like roses"],
  ["kitchen", "The light is on"],
  ["garden", "It is raining"],
];

describe("crash right after an answer, in a real Node-RED", function () {
  this.timeout(120_000);
  let api: AnthropicStandIn;
  let userDir: string;
  let nr: NodeRedProcess | undefined;

  const start = async () => {
    nr = await startNodeRed({ userDir, packages: [REPO_ROOT], settings: { contextStorage } });
    if (fs.existsSync(path.join(userDir, "flows.json"))) await flowsStarted(nr);
    return nr;
  };
  const kill = async () => {
    const exited = new Promise((resolve) => nr!.child.once("exit", resolve));
    nr!.child.kill("SIGKILL");
    await exited;
  };
  const readJson = (...parts: string[]) => {
    const file = path.join(userDir, ...parts);
    return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  };
  /** Conversations and the count as the store left them on disk. */
  const onDisk = (base: string) => ({
    conversations: readJson(base, CHAT_TAB, `${CHAT_NODE}.json`),
    usage: readJson(base, "global", "global.json")[USAGE_KEY],
  });
  const flow = (store: string) =>
    processChatFlow(api.url, { apiKey: KEY, store, account: { maxDailyTokens: 1_000_000, usageStore: store } });
  const turns = async (suffix = "") => {
    for (const [id, text] of TURNS) assert.strictEqual((await chat(nr!, text + suffix, id)).body, `You said: ${text}${suffix}`);
  };

  beforeEach(async () => {
    api = await new AnthropicStandIn().start();
    // Fixed usage, so the expected daily count is known: 100 in + 10 out per turn.
    api.fallback = (req) => ({ content: [{ type: "text", text: `You said: ${lastUserText(req.body)}` }], usage: { input_tokens: 100, output_tokens: 10 } });
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), "nrc-crash-"));
  });
  afterEach(async () => {
    await nr?.stop();
    nr = undefined;
    await api.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it(`loses no completed turn and no counted token with the durable store over ${CRASHES} crashes, and gives no warning`, async () => {
    await deploy(await start(), flow("durable"));
    const asked: Record<string, string[]> = { kitchen: [], garden: [] };
    for (let crash = 1; crash <= CRASHES; crash++) {
      await turns(` (${crash})`);
      for (const [id, text] of TURNS) asked[id].push(`${text} (${crash})`);
      await kill();

      const disk = onDisk("context-durable");
      for (const id of Object.keys(asked)) {
        const messages = disk.conversations[`conversation_${id}`].messages;
        assert.deepStrictEqual(messages.filter((m: any) => m.role === "user").map((m: any) => m.content), asked[id], `crash ${crash}: every turn of ${id} is on disk`);
        assert.strictEqual(messages.length, 2 * asked[id].length, "each with its answer");
      }
      assert.strictEqual(disk.usage.tokens, crash * TURNS.length * TOKENS_PER_TURN, `crash ${crash}: every counted token is on disk`);
      assert.doesNotMatch(nr!.output(), /kept in the context store/, "no warning for a store that writes at once");
      // Restarted on the same user directory: the count goes on from where it was.
      await start();
    }
    // The conversation goes on with its whole history.
    await chat(nr!, "Who am I?", "kitchen");
    const sent = api.messageRequests[api.messageRequests.length - 1].body.messages;
    assert.deepStrictEqual(sent.filter((m: any) => m.role === "user").map((m: any) => m.content), [...asked.kitchen, "Who am I?"]);
    assert.strictEqual(onDisk("context-durable").usage.tokens, (CRASHES * TURNS.length + 1) * TOKENS_PER_TURN, "the restored count went on");
  });

  it("loses the last turns and the count with the cached file store, as its one warning at deploy says", async () => {
    await deploy(await start(), flow("file"));
    await turns();
    await kill();

    const output = nr!.output();
    const conversationWarnings = output.match(/Conversations of this node are kept in the context store "file" \(localfilesystem with its cache on\), which writes them to disk only every 30 s/g) ?? [];
    assert.strictEqual(conversationWarnings.length, 1, `once at deploy, not per message:\n${output}`);
    assert.match(output, /set config \{ cache: false \} for this store in contextStorage in settings\.js, or choose such a store under "Store"/);
    const usageWarnings = output.match(/This account's daily token count is kept in the context store "file"/g) ?? [];
    assert.strictEqual(usageWarnings.length, 1);
    assert.match(output, /under "Count kept in" \(Cost guard\) in this account/);

    // What the warning is about: within 30 s of the answers, a crash left none of it on disk.
    const disk = onDisk("context");
    assert.strictEqual(disk.conversations.conversation_kitchen, undefined);
    assert.strictEqual(disk.usage, undefined);
  });

  it("warns once at deploy that the memory store keeps nothing over a restart", async () => {
    await deploy(await start(), flow(""));
    await turns();
    const output = nr!.output();
    assert.strictEqual((output.match(/Conversations of this node are kept in the context store "default" \(module memory\): a restart of Node-RED loses them all/g) ?? []).length, 1, output);
    assert.strictEqual((output.match(/This account's daily token count is kept in the context store "default" \(module memory\): a restart of Node-RED starts it again at 0/g) ?? []).length, 1);
    assert.match(output, /add a store with module "localfilesystem" and config \{ cache: false \} to contextStorage in settings\.js/);
  });
});

