// The "Dashboard chat" example as shipped, in a real Node-RED process with FlowFuse Dashboard 2 installed,
// against the stand-in Anthropic server, used in headless Chromium: the answer grows on the page while
// Claude writes it, each browser page has its own conversation, and "Start over" forgets it.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Page } from "playwright-core";
import { AnthropicStandIn, lastUserText } from "./standins/anthropic-standin";
import { launchBrowser, screenshot, type BrowserSession } from "./support/browser";
import { deploy } from "./support/chat-process";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";

const KEY = "sk-ant-test-DASHBOARD-KEY-0123456789";
const DASHBOARD = path.dirname(require.resolve("@flowfuse/node-red-dashboard/package.json", { paths: [REPO_ROOT] }));
const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples", "dashboard-chat.json"), "utf8")) as any[];

/** The example as a user deploys it, with the account pointed at the stand-in and the key entered. */
function flow(apiUrl: string): any[] {
  return example.map((n) => (n.type === "claude-config" ? { ...n, baseUrl: apiUrl, retries: 0, credentials: { apiKey: KEY } } : n));
}

const ANSWER = "Hello Ada! I can answer questions, explain things step by step and help you write or check text.";
// The stand-in sends text in 16-character pieces, after message_start, ping and content_block_start.
const PIECE = 16;

async function openChat(session: BrowserSession, nr: NodeRedProcess): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(`${nr.url}/dashboard/chat`);
  await page.locator(".claude-chat-input").waitFor({ timeout: 30_000 });
  return page;
}

async function ask(page: Page, text: string): Promise<void> {
  await page.fill(".claude-chat-input", text);
  await page.click(".claude-chat-send");
}

/** The element is on screen: what the browser shows at its middle is it (not clipped, not covered). */
async function shown(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel);
    const box = element?.getBoundingClientRect();
    if (!element || !box || !box.width || !box.height) return false;
    return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === element;
  }, selector);
}

const answers = (page: Page) => page.locator(".claude-chat-claude").allTextContents();
const everything = (page: Page) => page.locator(".claude-chat-entry").allTextContents();

describe("example: Dashboard chat in a browser", function () {
  this.timeout(180_000);
  let api: AnthropicStandIn;
  let nr: NodeRedProcess;
  let session: BrowserSession;

  before(async () => {
    api = await new AnthropicStandIn().start();
    nr = await startNodeRed({ packages: [REPO_ROOT, DASHBOARD], flows: [] });
    await deploy(nr, flow(api.url));
    session = await launchBrowser();
  });
  after(async () => {
    await session?.close();
    await nr?.stop();
    await api?.stop();
  });

  it("shows the answer while Claude writes it, then whole; a second page has its own conversation; Start over forgets", async () => {
    const first = await openChat(session, nr);
    const second = await openChat(session, nr);

    // Two pieces of text, then the stream stops for a while: the page must show them before the answer is complete.
    api.reply({ content: [{ type: "text", text: ANSWER }], stallAfterEvents: 5, delayMs: 6000 });
    await ask(first, "Hi! My name is Ada. What can you help me with?");
    const partial = ANSWER.slice(0, 2 * PIECE);
    await first.waitForFunction((text) => document.querySelector(".claude-chat-claude")?.textContent === text, partial, { timeout: 30_000 });
    await screenshot(first, "dashboard-chat-partial");
    assert.ok(await shown(first, ".claude-chat-claude"), "the partial answer is on screen, not clipped");
    assert.ok(partial.length < ANSWER.length);
    await first.waitForFunction((text) => document.querySelector(".claude-chat-claude")?.textContent === text, ANSWER, { timeout: 30_000 });
    assert.deepStrictEqual(await everything(first), ["Hi! My name is Ada. What can you help me with?", ANSWER]);
    assert.ok(await first.locator(".claude-chat-send").isDisabled(), "nothing typed yet, so Send waits");
    assert.strictEqual(await first.locator(".claude-chat-input").isEnabled(), true, "the input is free again once the answer is whole");

    // The same page continues its conversation.
    api.reply({ content: [{ type: "text", text: "Your name is Ada." }] });
    await ask(first, "What is my name?");
    await first.waitForFunction(() => document.querySelectorAll(".claude-chat-claude").length === 2, undefined, { timeout: 30_000 });
    await first.waitForFunction(() => document.querySelectorAll(".claude-chat-claude")[1]?.textContent === "Your name is Ada.", undefined, { timeout: 30_000 });
    const followUp = api.messageRequests[1].body;
    assert.deepStrictEqual(
      followUp.messages.map((m: any) => m.role),
      ["user", "assistant", "user"],
      "the second question carries the first turn",
    );
    assert.strictEqual(lastUserText(followUp), "What is my name?");

    // The other page saw none of it, and its question starts a conversation of its own.
    assert.deepStrictEqual(await everything(second), []);
    api.reply({ content: [{ type: "text", text: "I do not know your name yet." }] });
    await ask(second, "What is my name?");
    await second.waitForFunction(() => document.querySelector(".claude-chat-claude")?.textContent === "I do not know your name yet.", undefined, { timeout: 30_000 });
    const other = api.messageRequests[2].body;
    assert.strictEqual(other.messages.length, 1, "no other page's history");
    assert.strictEqual(lastUserText(other), "What is my name?");
    assert.deepStrictEqual(await answers(second), ["I do not know your name yet."]);
    assert.deepStrictEqual(await answers(first), [ANSWER, "Your name is Ada."], "the first page does not see the second one's answer");
    await screenshot(second, "dashboard-chat-second-page");

    // Start over: the page empties and Claude gets the next question without the earlier turns.
    await first.click(".claude-chat-reset");
    assert.deepStrictEqual(await everything(first), []);
    api.reply({ content: [{ type: "text", text: "Nice to meet you." }] });
    await ask(first, "Hello again");
    await first.waitForFunction(() => document.querySelector(".claude-chat-claude")?.textContent === "Nice to meet you.", undefined, { timeout: 30_000 });
    const afresh = api.messageRequests[3].body;
    assert.deepStrictEqual(afresh.messages, [{ role: "user", content: "Hello again" }]);
    assert.deepStrictEqual(await answers(second), ["I do not know your name yet."]);
  });
});
