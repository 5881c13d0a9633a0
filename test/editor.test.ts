// What a Node-RED user sees, in a real browser: the palette, the edit dialogs (with the model list
// from the stand-in Anthropic server), deploy, the help, Import > Examples, and the German editor.
// Screenshots go to test-artifacts/screenshots/.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Page } from "playwright-core";
import { AnthropicStandIn } from "./standins/anthropic-standin";
import { launchBrowser, traysAtRest, SCREENSHOT_DIR, type BrowserSession } from "./support/browser";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";
import { RUNTIMES } from "./support/runtimes";

const KEY = "sk-ant-editor-typed-KEY-0123456789";
const WRONG_KEY = "sk-ant-editor-wrong-KEY-999";
const URL_PASSWORD = "gateway-PASSWORD-in-url-4242";
const GATEWAY_TOKEN = "gateway-TOKEN-as-header-9191";
const VIEWPORT = { width: 1400, height: 1500 };
const TRAY = ".red-ui-tray";
/** Every node of the package that the palette shows (all but the account), with its English palette label. */
const PALETTE: Array<[string, string]> = Object.values(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"))["node-red"].nodes as Record<string, string>)
  .map((file) => path.basename(file, ".js"))
  // Configuration nodes (the account, MCP servers) are not in the palette.
  .filter((type) => !/category:\s*"config"/.test(fs.readFileSync(path.join(REPO_ROOT, "nodes", `${type}.html`), "utf8")))
  .map((type) => [type, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "locales", "en-US", `${type}.json`), "utf8"))[type].paletteLabel]);
/** Screenshots of the current runtime go to test-artifacts/screenshots/<runtime>/. */
let shotsDir = SCREENSHOT_DIR;

async function shot(page: Page, name: string, selector?: string): Promise<void> {
  fs.mkdirSync(shotsDir, { recursive: true });
  const file = path.join(shotsDir, `${name}.png`);
  if (selector) await page.locator(selector).last().screenshot({ path: file });
  else await page.screenshot({ path: file });
}

function paletteNode(page: Page, type: string) {
  return page.locator(`#red-ui-palette .red-ui-palette-node[data-palette-type="${type}"]`);
}

/** Drags a node from the palette onto the canvas and opens its edit dialog with a double click. */
async function placeAndEdit(page: Page, type: string, x: number, y: number): Promise<void> {
  const idsOfType = () => page.evaluate((t) => (window as any).RED.nodes.filterNodes({ type: t }).map((n: any) => n.id) as string[], type);
  const before = await idsOfType();
  await paletteNode(page, type).dragTo(page.locator("#red-ui-workspace-chart"), { targetPosition: { x, y } });
  await page.waitForFunction(([t, n]) => (window as any).RED.nodes.filterNodes({ type: t }).length > n, [type, before.length] as const);
  await openNode(page, (await idsOfType()).find((i) => !before.includes(i))!);
}

/** The lines a palette node's label is drawn in: Node-RED breaks a word too wide for the node. */
async function paletteLines(page: Page, type: string): Promise<string[]> {
  const html = await paletteNode(page, type).locator(".red-ui-palette-label").innerHTML();
  return html.split(/<br\/?>/i).map((line) => line.replace(/\s+/g, " ").trim());
}

/** Opens the edit dialog of a node on the canvas with a double click. */
async function openNode(page: Page, id: string): Promise<void> {
  await page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`).dblclick();
  await page.locator("#node-input-name").waitFor();
  await traysAtRest(page);
}

/** Replaces the text of a code editor (Monaco or ACE) in a dialog, as typing would. */
async function setCode(page: Page, selector: string, code: string): Promise<void> {
  await page.evaluate(
    ([sel, text]) => {
      const el = document.querySelector(sel) as any;
      const editor = (window as any).$(el).data("editor") ?? el.env?.editor;
      if (editor?.setValue) editor.setValue(text, 1);
      else (window as any).monaco.editor.getEditors().find((e: any) => el.contains(e.getDomNode())).setValue(text);
    },
    [selector, code] as const,
  );
}

/** The text of a code editor (Monaco or ACE) in a dialog. */
async function getCode(page: Page, selector: string): Promise<string> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel) as any;
    const editor = (window as any).$(el).data("editor") ?? el.env?.editor;
    if (editor?.getValue) return editor.getValue() as string;
    return (window as any).monaco.editor.getEditors().find((e: any) => el.contains(e.getDomNode())).getValue() as string;
  }, selector);
}

/** Screen rows a code editor shows: more than its lines when long lines wrap. */
async function screenRows(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel) as any;
    const ace = el.env?.editor;
    if (ace) return ace.getSession().getScreenLength() as number;
    const monaco = (window as any).monaco.editor.getEditors().find((e: any) => el.contains(e.getDomNode()));
    return Math.round(monaco.getContentHeight() / monaco.getOption((window as any).monaco.editor.EditorOption.lineHeight));
  }, selector);
}

/**
 * A code editor of a dialog: long lines wrap, it is tall enough for a few paragraphs, and its expand
 * button opens the text in the large editor, whose Done brings the edited text back.
 */
async function assertRoomyEditor(page: Page, selector: string, expand: string): Promise<void> {
  const before = await getCode(page, selector);
  await setCode(page, selector, "Answer in one short sentence, in the language of the question. ".repeat(12).trim());
  assert.ok((await screenRows(page, selector)) >= 3, `${selector}: a long line wraps`);
  assert.ok((await page.locator(selector).boundingBox())!.height >= 190, `${selector} is taller`);
  await page.click(expand);
  const large = page.locator(TRAY).last().locator("#node-input-text");
  await large.waitFor();
  assert.match(await getCode(page, "#node-input-text"), /^Answer in one short sentence/);
  await setCode(page, "#node-input-text", before + " ");
  await page.locator(TRAY).last().locator("#node-dialog-ok").click();
  await large.waitFor({ state: "detached" });
  assert.strictEqual(await getCode(page, selector), before + " ", "the large editor's text comes back");
  await setCode(page, selector, before);
}

/** Inputs in the open dialog whose placeholder is wider than the field. */
async function clippedPlaceholders(page: Page): Promise<string[]> {
  return page.locator(TRAY).last().evaluate((tray) => {
    const canvas = document.createElement("canvas").getContext("2d")!;
    return Array.from(tray.querySelectorAll("input[placeholder]"))
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .filter((el) => {
        const input = el as HTMLInputElement;
        const style = getComputedStyle(input);
        canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return canvas.measureText(input.placeholder).width > room;
      })
      .map((el) => `${el.id}: ${(el as HTMLInputElement).placeholder}`);
  });
}

/** Waits until a check line under an editor says what is expected. */
async function checkLine(page: Page, selector: string, pattern: RegExp): Promise<void> {
  await page.waitForFunction(([sel, source]) => new RegExp(source).test(document.querySelector(sel)?.textContent ?? ""), [selector, pattern.source] as const);
}

/** Texts a user reads in the open dialogs: labels, options, tips, tooltips and placeholders. */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.locator(TRAY).last().evaluate((tray) => {
    const texts: string[] = [];
    tray.querySelectorAll("*").forEach((el) => {
      for (const attr of ["title", "placeholder"]) {
        const value = el.getAttribute(attr);
        if (value) texts.push(value);
      }
      for (const child of Array.from(el.childNodes)) {
        if (child.nodeType === Node.TEXT_NODE && child.textContent!.trim()) texts.push(child.textContent!.trim());
      }
    });
    return texts;
  });
}

/** Catalog keys that did not resolve show up as bare keys such as "claude-config.label.model". */
async function assertNoBareKeys(page: Page): Promise<void> {
  const bare = (await visibleTexts(page)).filter((t) => /\bclaude-(config|conversation|tool|tool-result|generate-data)\.[a-z]/.test(t));
  assert.deepStrictEqual(bare, [], "texts without a catalog entry");
}

/** Every label of a form row carries a tooltip. */
async function assertTooltips(page: Page): Promise<void> {
  const missing = await page.locator(TRAY).last().evaluate((tray) =>
    Array.from(tray.querySelectorAll(".form-row > label[for]"))
      .filter((label) => (label as HTMLElement).offsetParent !== null && !label.getAttribute("title"))
      .map((label) => label.getAttribute("for")),
  );
  assert.deepStrictEqual(missing, [], "labels without a tooltip");
}

/** Waits until the account dialog's model line matches, and returns it. */
async function modelInfo(page: Page, pattern: RegExp): Promise<string> {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector("#claude-config-model-info")?.textContent ?? ""),
    pattern.source,
  );
  return (await page.locator("#claude-config-model-info").textContent())!;
}

for (const runtime of RUNTIMES) describe(`the editor of ${runtime.name} in a real browser`, function () {
  this.timeout(300_000);
  let api: AnthropicStandIn;
  let nr: NodeRedProcess;
  let browser: BrowserSession;
  let page: Page;
  const answers: string[] = [];
  const modelRequests: string[] = [];
  /** Errors the browser console shows, and answers of the package's admin routes that failed. */
  const consoleErrors: string[] = [];
  const failedAnswers: string[] = [];

  before(async () => {
    api = await new AnthropicStandIn().start();
    api.acceptedKeys = [KEY];
    shotsDir = path.join(SCREENSHOT_DIR, runtime.id);
    nr = await startNodeRed({ ...(await runtime.options()), packages: [REPO_ROOT], flows: [], env: { ANTHROPIC_API_KEY: "" } });
    browser = await launchBrowser({ viewport: VIEWPORT });
    page = browser.page;
    page.on("request", (req) => {
      if (/\/claude-config\/[^/]+\/models$/.test(new URL(req.url()).pathname)) modelRequests.push(`${req.method()} ${new URL(req.url()).pathname}`);
    });
    page.on("response", async (res) => {
      if (res.url().includes("/claude-config/")) answers.push(await res.text().catch(() => ""));
      if (res.status() >= 400) failedAnswers.push(`${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`);
    });
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    await page.goto(nr.url);
    await paletteNode(page, "claude-conversation").waitFor();
  });
  after(async () => {
    await browser?.close();
    await nr?.stop();
    await api?.stop();
  });

  it("shows the Claude nodes in a palette category of their own, each with its icon", async () => {
    const category = page.locator("#red-ui-palette-container-Claude");
    await category.scrollIntoViewIfNeeded();
    assert.strictEqual((await category.locator(".red-ui-palette-header span").textContent())?.trim(), "Claude");
    const shown = await category.locator(".red-ui-palette-node").evaluateAll((nodes) =>
      nodes.map((n) => [n.getAttribute("data-palette-type"), n.querySelector(".red-ui-palette-label")?.textContent?.replace(/\s+/g, " ").trim()]),
    );
    assert.ok(PALETTE.length >= 4);
    assert.deepStrictEqual(new Map(shown as Array<[string, string]>), new Map(PALETTE));
    assert.strictEqual(new Map(PALETTE).get("claude-conversation"), "Claude chat");
    for (const [type, label] of PALETTE) assert.strictEqual((await paletteLines(page, type)).join(" "), label, `${type}: no word broken`);
    for (const [type] of PALETTE) {
      const icon = await paletteNode(page, type).locator(".red-ui-palette-icon").evaluate((el) => getComputedStyle(el).backgroundImage);
      assert.match(icon, new RegExp(`${type}\\.svg`), `${type} has its own icon`);
    }
    await shot(page, "palette", "#red-ui-palette-container-Claude");
  });

  it("edits a tool: the name is checked as it is typed, and Home Assistant mode has lists", async () => {
    await placeAndEdit(page, "claude-tool", 300, 320);
    await page.fill("#node-input-name", "get weather!");
    await page.locator("#node-input-name").dispatchEvent("change");
    assert.match((await page.locator("#node-input-name").getAttribute("class")) ?? "", /input-error/);
    // The reason is shown under the field, in the runtime's words.
    assert.strictEqual(
      (await page.locator("#claude-tool-name-check").textContent())?.trim(),
      'The tool name "get weather!" is not allowed: use 1 to 64 letters, digits, "_" or "-".',
    );
    assert.ok(await page.locator("#claude-tool-name-check").isVisible());
    await page.fill("#node-input-name", "x".repeat(65));
    assert.match((await page.locator("#claude-tool-name-check").textContent()) ?? "", /is not allowed: use 1 to 64/);
    await page.fill("#node-input-name", "get_weather");
    await page.locator("#node-input-name").dispatchEvent("change");
    assert.doesNotMatch((await page.locator("#node-input-name").getAttribute("class")) ?? "", /input-error/);
    assert.strictEqual(await page.locator("#claude-tool-name-check").isVisible(), false);
    await assertRoomyEditor(page, "#node-input-schema-editor", "#node-input-schema-expand");
    await page.fill("#node-input-description", "The weather forecast for a city");
    // The schema is checked as it is typed, with the runtime's own checks.
    await setCode(page, "#node-input-schema-editor", '{"type": "array"}');
    await checkLine(page, "#claude-tool-schema-check", /must describe an object/);
    await setCode(page, "#node-input-schema-editor", '{"type": "object", "properties": {"city": {"type": "string"}}}');
    await checkLine(page, "#claude-tool-schema-check", /valid JSON Schema/);
    await assertNoBareKeys(page);
    await assertTooltips(page);
    await shot(page, "tool-dialog", TRAY);
    await page.selectOption("#node-input-mode", "ha");
    // Editable lists: each with an "add" button that adds a row to type an action or entity into.
    const addButtons = page.locator(".claude-tool-ha .red-ui-editableList-addButton");
    assert.strictEqual(await addButtons.count(), 2);
    await addButtons.first().click();
    await page.locator("#node-input-actions-list input").last().fill("light.turn_on");
    await addButtons.last().click();
    await page.locator("#node-input-entities-list input").last().fill("light.*");
    await shot(page, "tool-dialog-home-assistant", TRAY);
    await page.selectOption("#node-input-mode", "plain");
    await page.click("#node-dialog-ok");
    await page.locator("#node-dialog-ok").waitFor({ state: "detached" });
  });

  it("edits generate data: every field labelled from the catalog, with a tooltip", async () => {
    await placeAndEdit(page, "claude-generate-data", 300, 440);
    await assertRoomyEditor(page, "#node-input-instructions-editor", "#node-input-instructions-expand");
    await assertRoomyEditor(page, "#node-input-schema-editor", "#node-input-schema-expand");
    await assertNoBareKeys(page);
    await assertTooltips(page);
    await shot(page, "generate-data-dialog", TRAY);
    await page.click("#node-dialog-delete");
    await page.locator("#node-dialog-delete").waitFor({ state: "detached" });
  });

  it("edits a conversation: every field labelled from the catalog, with a tooltip", async () => {
    await placeAndEdit(page, "claude-conversation", 300, 200);
    // One name: the palette's, on the canvas of an unnamed node, and in the dialog's title.
    const placed = await page.evaluate(() => (window as any).RED.editor.getEditStack().at(-1).id as string);
    assert.strictEqual(await page.locator(`g.red-ui-flow-node-group[id="${placed}"] text`).first().textContent(), "Claude chat");
    assert.strictEqual((await page.locator(".red-ui-tray-titlebar").last().textContent())?.trim(), "Edit Claude chat node");
    assert.strictEqual(await page.locator('label[for="node-input-conversationId"]').textContent().then((t) => t?.trim()), "Conversation");
    // The tool picker lists the tool node on this flow, which Claude may use by default.
    assert.deepStrictEqual(await page.locator("#node-input-tool-list span").first().textContent(), "get_weather");
    assert.ok(await page.locator('#node-input-tool-list input[type="checkbox"]').first().isChecked());
    // "Stream" adds the second output and shows its pace; unticked, one output and no pace.
    assert.strictEqual(await page.locator("#node-input-outputs").inputValue(), "1");
    assert.strictEqual(await page.locator("#node-input-streamInterval").isVisible(), false);
    await page.locator("#node-input-stream").check();
    assert.strictEqual(await page.locator("#node-input-outputs").inputValue(), "2");
    assert.strictEqual(await page.locator("#node-input-streamInterval").inputValue(), "250");
    await page.locator("#node-input-stream").uncheck();
    assert.strictEqual(await page.locator("#node-input-outputs").inputValue(), "1");
    assert.strictEqual(await page.locator("#node-input-streamInterval").isVisible(), false);
    await page.locator("#node-input-stream").check();
    // "When full": summaries keep the history in tokens, so the message cap is hidden while they are chosen.
    assert.strictEqual(await page.inputValue("#node-input-historyMode"), "trim");
    await page.selectOption("#node-input-historyMode", "compact");
    assert.strictEqual(await page.locator("#node-input-maxMessages").isVisible(), false);
    await page.selectOption("#node-input-historyMode", "clear");
    assert.strictEqual(await page.locator("#node-input-maxMessages").isVisible(), true);
    await page.selectOption("#node-input-historyMode", "trim");
    await assertRoomyEditor(page, "#node-input-instructions-editor", "#node-input-instructions-expand");
    await assertNoBareKeys(page);
    await assertTooltips(page);
    await shot(page, "conversation-dialog", TRAY);
  });

  it("opens a new account on a laptop screen: sections in order, placeholders that fit, one request for the models", async () => {
    modelRequests.length = 0;
    consoleErrors.length = 0;
    failedAnswers.length = 0;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.click("#node-input-btn-config-add");
    await page.locator("#node-config-input-apiKey").waitFor();
    const headings = await page.locator(TRAY).last().locator("h4").allTextContents();
    assert.deepStrictEqual(headings.map((h) => h.trim()), ["Connection", "Model", "Server tools", "Cost guard"]);
    // No key typed, none stored, none in the environment: a hint about this dialog, not a failure.
    const hint = await modelInfo(page, /No API key yet/);
    assert.strictEqual(hint, "No API key yet: type it above to list the models (or leave it empty and set ANTHROPIC_API_KEY for Node-RED).");
    assert.doesNotMatch((await page.locator("#claude-config-model-info").getAttribute("class")) ?? "", /claude-config-error/);
    assert.deepStrictEqual(modelRequests.map((r) => r.split(" ")[0]), ["POST"], "a new account is asked for once, with what is typed");
    await traysAtRest(page);
    await page.locator("#node-config-input-webSearch").check();
    assert.deepStrictEqual(await clippedPlaceholders(page), []);
    await page.locator("#node-config-input-webSearch").uncheck();
    assert.deepStrictEqual(failedAnswers, [], "no request failed");
    assert.deepStrictEqual(consoleErrors, [], "nothing in the browser console");
  });

  it("creates an account: the model list comes from the API with the typed key, and options follow the model", async () => {
    await page.fill("#node-config-input-name", "Home");
    await page.fill("#node-config-input-apiKey", KEY);
    await page.fill("#node-config-input-headers", JSON.stringify({ "x-gateway-token": GATEWAY_TOKEN }));
    await page.fill("#node-config-input-baseUrl", api.url);
    await page.locator("#node-config-input-baseUrl").dispatchEvent("change");
    assert.match(await modelInfo(page, /Claude Haiku 4\.5/), /up to 64,000 output tokens/);
    const listed = api.requests.filter((r) => r.path === "/v1/models");
    assert.ok(listed.length > 0, "the stand-in was asked for the models");
    assert.strictEqual(listed[listed.length - 1].headers.authorization, `Bearer ${KEY}`);
    assert.strictEqual(listed[listed.length - 1].headers["x-gateway-token"], GATEWAY_TOKEN, "with the typed extra headers");

    // Haiku takes no effort: the row is hidden. Sonnet takes it, but not "xhigh".
    assert.strictEqual(await page.locator(".claude-config-effort").isVisible(), false);
    await page.click("#claude-config-model-pick");
    const choices = page.locator(".claude-config-model-menu li");
    await choices.first().waitFor();
    // On a 768-pixel-high screen the list opens below the field, every choice in the window.
    const field = (await page.locator("#node-config-input-model").boundingBox())!;
    const menu = (await page.locator(".claude-config-model-menu").boundingBox())!;
    assert.ok(menu.y >= field.y + field.height - 1, `the list opens below the field (${menu.y} < ${field.y + field.height})`);
    const bottoms = await choices.evaluateAll((items) => items.map((li) => li.getBoundingClientRect().bottom));
    assert.ok(Math.max(...bottoms) <= 768, `a choice is below the window: ${bottoms.join(", ")} (field ${JSON.stringify(field)}, menu ${JSON.stringify(menu)})`);
    assert.deepStrictEqual(
      await choices.evaluateAll((items) => items.map((li) => [li.querySelector("span")?.textContent, li.querySelector("code")?.textContent])),
      [
        ["Claude Haiku 4.5", "claude-haiku-4-5"],
        ["Claude Sonnet 4.6", "claude-sonnet-4-6"],
        ["Claude Opus 4.7", "claude-opus-4-7"],
        ["Claude Legacy", "claude-legacy-1"],
      ],
    );
    await shot(page, "account-model-menu", TRAY);
    await choices.filter({ hasText: "Sonnet" }).click();
    await page.setViewportSize(VIEWPORT);
    assert.strictEqual(await page.inputValue("#node-config-input-model"), "claude-sonnet-4-6");
    assert.strictEqual(await page.locator(".claude-config-effort").isVisible(), true);
    const effortLevels = await page.locator("#node-config-input-effort option:not([hidden])").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepStrictEqual(effortLevels, ["", "low", "medium", "high", "max"]);
    await shot(page, "account-dialog", TRAY);

    // A model without adaptive or budgeted thinking: those choices go.
    await page.fill("#node-config-input-model", "claude-legacy-1");
    await page.locator("#node-config-input-model").dispatchEvent("change");
    const thinking = await page.locator("#node-config-input-thinking option:not([hidden])").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepStrictEqual(thinking, ["off"]);
    assert.strictEqual(await page.locator(".claude-config-effort").isVisible(), false);

    // Max tokens below 1 (a fraction) is flagged rather than saved as no tokens at all.
    const maxTokens = page.locator("#node-config-input-maxTokens");
    await maxTokens.fill("0.5");
    await maxTokens.dispatchEvent("change");
    assert.match((await maxTokens.getAttribute("class")) ?? "", /input-error/);
    await maxTokens.fill("3000");
    await maxTokens.dispatchEvent("change");
    assert.doesNotMatch((await maxTokens.getAttribute("class")) ?? "", /input-error/);

    await page.fill("#node-config-input-model", "claude-haiku-4-5");
    await page.locator("#node-config-input-model").dispatchEvent("change");
    // The daily count's store: the default store or any store of settings.js.
    const stores = await page.locator("#node-config-input-usageStore option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepStrictEqual(stores, ["", "file"]);
    await page.selectOption("#node-config-input-usageStore", "file");
    await assertNoBareKeys(page);
    await assertTooltips(page);
    for (const answer of answers) assert.ok(!answer.includes(KEY), "the key never comes back to the browser");
  });

  it("says so when the key is refused, and still takes a typed model id", async () => {
    await page.fill("#node-config-input-apiKey", WRONG_KEY);
    await page.locator("#node-config-input-apiKey").dispatchEvent("change");
    const text = await modelInfo(page, /The API key was refused \(401\)/);
    assert.match(text, /you can still type a model id/);
    assert.ok(!text.includes(WRONG_KEY));
    await page.fill("#node-config-input-model", "claude-custom-model-1");
    assert.strictEqual(await page.inputValue("#node-config-input-model"), "claude-custom-model-1");
    await shot(page, "account-key-refused", TRAY);

    await page.fill("#node-config-input-model", "claude-haiku-4-5");
    await page.fill("#node-config-input-apiKey", KEY);
    await page.locator("#node-config-input-apiKey").dispatchEvent("change");
    await modelInfo(page, /Claude Haiku 4\.5/);
  });

  it("refuses a base URL with a user name and password, and never saves them into the flow", async () => {
    const before = api.requests.length;
    await page.fill("#node-config-input-baseUrl", api.url.replace("://", `://gateway-user:${URL_PASSWORD}@`));
    await page.locator("#node-config-input-baseUrl").dispatchEvent("change");
    const text = await modelInfo(page, /carries a user name or password/);
    assert.ok(!text.includes(URL_PASSWORD), text);
    assert.ok(text.includes(api.url), "the URL is named without its user info");
    assert.strictEqual(api.requests.length, before, "nothing was asked of the host");
    await page.waitForFunction(() => document.querySelector("#node-config-input-baseUrl")!.classList.contains("input-error"));
    await shot(page, "account-base-url-user-info", TRAY);
    // Left in the field: Done cuts it out, with a warning (the next test deploys and checks the flow).
  });

  it("deploys the conversation with its account, and keeps the key out of the flow file", async () => {
    await page.click("#node-config-dialog-ok");
    await page.locator("#node-config-dialog-ok").waitFor({ state: "detached" });
    await page.locator(".red-ui-notification", { hasText: /user name and password were removed from the base URL/ }).first().waitFor();
    assert.match((await page.locator("#node-input-config option:checked").textContent())!, /Home/);
    await page.click("#node-dialog-ok");
    await page.locator("#node-dialog-ok").waitFor({ state: "detached" });
    await page.click("#red-ui-header-button-deploy");
    await page.locator(".red-ui-notification", { hasText: /deployed/i }).first().waitFor();

    const flows = (await (await fetch(`${nr.url}/flows`, { headers: { "Node-RED-API-Version": "v1" } })).json()) as any[];
    const account = flows.find((n) => n.type === "claude-config");
    const conversation = flows.find((n) => n.type === "claude-conversation");
    assert.ok(account && conversation);
    assert.strictEqual(conversation.config, account.id);
    assert.strictEqual(conversation.stream, true);
    assert.strictEqual(conversation.outputs, 2);
    assert.strictEqual(conversation.wires.length, 2);
    const ports = await page.locator(`g.red-ui-flow-node-group[id="${conversation.id}"] .red-ui-flow-port-output`).count();
    assert.strictEqual(ports, 2, "two output ports on the canvas");
    const labels = await page.evaluate((id) => {
      const node = (window as any).RED.nodes.node(id);
      return [0, 1].map((i) => node._def.outputLabels.call(node, i));
    }, conversation.id);
    assert.deepStrictEqual(labels, ["answer", "text as it is written"]);
    assert.strictEqual(account.baseUrl, api.url);
    assert.strictEqual(account.model, "claude-haiku-4-5");
    assert.strictEqual(account.usageStore, "file");
    for (const file of fs.readdirSync(nr.userDir).filter((f) => f.startsWith("flows"))) {
      const text = fs.readFileSync(path.join(nr.userDir, file), "utf8");
      assert.ok(!text.includes(KEY), `${file} holds the key in clear`);
      assert.ok(!text.includes(URL_PASSWORD), `${file} holds the base URL's password`);
      assert.ok(!text.includes(GATEWAY_TOKEN), `${file} holds the extra headers in clear`);
    }
    assert.ok(!JSON.stringify(flows).includes(URL_PASSWORD), "GET /flows holds the base URL's password");
  });

  it("follows the Quick start: an inject wired in, deployed, injected twice, and the second request carries the first turn", async () => {
    const [conversationId] = await page.evaluate(() => (window as any).RED.nodes.filterNodes({ type: "claude-conversation" }).map((n: any) => n.id) as string[]);
    const before = await page.evaluate(() => (window as any).RED.nodes.filterNodes({ type: "inject" }).length as number);
    await paletteNode(page, "inject").dragTo(page.locator("#red-ui-workspace-chart"), { targetPosition: { x: 120, y: 560 } });
    await page.waitForFunction((n) => (window as any).RED.nodes.filterNodes({ type: "inject" }).length > n, before);
    const injectId = await page.evaluate(() => (window as any).RED.nodes.filterNodes({ type: "inject" }).pop().id as string);
    const node = (id: string) => page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);
    await node(injectId).locator(".red-ui-flow-port-output").dragTo(node(conversationId).locator(".red-ui-flow-port-input"));
    await page.waitForFunction(([from, to]) => (window as any).RED.nodes.filterLinks({ source: { id: from }, target: { id: to } }).length === 1, [injectId, conversationId] as const);
    await page.click("#red-ui-header-button-deploy");
    await page.locator(".red-ui-notification", { hasText: /deployed/i }).first().waitFor();

    const sent = api.messageRequests.length;
    const request = async (n: number) => {
      for (const deadline = Date.now() + 20_000; api.messageRequests.length < sent + n; await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > deadline) throw new Error(`request ${n} did not come`);
      }
      return api.messageRequests[sent + n - 1].body;
    };
    await node(injectId).locator(".red-ui-flow-node-button").click();
    const first = await request(1);
    assert.strictEqual(first.messages.length, 1);
    await new Promise((r) => setTimeout(r, 20)); // a later timestamp for the second inject
    await node(injectId).locator(".red-ui-flow-node-button").click();
    const second = await request(2);
    assert.strictEqual(second.messages.length, 3, "the second request carries the first turn");
    assert.deepStrictEqual(second.messages[0], first.messages[0]);
    assert.strictEqual(second.messages[1].role, "assistant");
    assert.notDeepStrictEqual(second.messages[2], first.messages[0]);
  });

  it("lists a deployed account's models by its id, with the stored key", async () => {
    for (const answer of answers) assert.ok(!answer.includes(GATEWAY_TOKEN), "the extra headers never come back to the browser");
    const asked = api.requests.length;
    modelRequests.length = 0;
    consoleErrors.length = 0;
    failedAnswers.length = 0;
    const conversation = await page.evaluate(() => (window as any).RED.nodes.filterNodes({ type: "claude-conversation" })[0].id as string);
    await openNode(page, conversation);
    await page.locator("#node-input-btn-config-edit").click();
    await modelInfo(page, /Claude Haiku 4\.5/);
    assert.deepStrictEqual(modelRequests.map((r) => r.split(" ")[0]), ["GET"], "a deployed, unchanged account is asked by id, once");
    assert.deepStrictEqual(failedAnswers, [], "no request failed");
    assert.deepStrictEqual(consoleErrors, [], "nothing in the browser console");
    const listed = api.requests.slice(asked).filter((r) => r.path === "/v1/models");
    assert.strictEqual(listed[0].headers.authorization, `Bearer ${KEY}`);
    assert.strictEqual(listed[0].headers["x-gateway-token"], GATEWAY_TOKEN, "and the stored extra headers");
    await page.click("#node-config-dialog-cancel");
    await page.click("#node-dialog-cancel");
    await page.locator("#node-dialog-cancel").waitFor({ state: "detached" });
  });

  it("shows today's count in the account dialog once a daily limit is set", async () => {
    const conversation = await page.evaluate(() => (window as any).RED.nodes.filterNodes({ type: "claude-conversation" })[0].id as string);
    const openAccount = async () => {
      await openNode(page, conversation);
      await page.locator("#node-input-btn-config-edit").click();
      await modelInfo(page, /Claude Haiku 4\.5/);
      await traysAtRest(page);
    };
    const accountId = await page.evaluate((id) => (window as any).RED.nodes.node(id).config as string, conversation);
    const usage = async () => (await (await fetch(`${nr.url}/claude-config/${accountId}/usage`)).json()) as { tokens: number | null; max?: number };
    await openAccount();
    assert.strictEqual(await page.locator("#claude-config-usage-today").isVisible(), false, "no daily limit: no count");
    await page.fill("#node-config-input-maxDailyTokens", "100000");
    await page.click("#node-config-dialog-ok");
    await page.locator("#node-config-dialog-ok").waitFor({ state: "detached" });
    await page.click("#node-dialog-ok");
    await page.locator("#node-dialog-ok").waitFor({ state: "detached" });
    await page.click("#red-ui-header-button-deploy");
    for (const deadline = Date.now() + 20_000; (await usage()).max !== 100000; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error("the limit was not deployed");
    }
    const injectId = await page.evaluate(() => (window as any).RED.nodes.filterNodes({ type: "inject" }).pop().id as string);
    await page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${injectId}"] .red-ui-flow-node-button`).click();
    // The turn is over (and counted whole, over all its requests) when the node's status says today's count.
    await page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${conversation}"] .red-ui-flow-node-status-label`).filter({ hasText: /of 100000 today/ }).waitFor();
    const counted = (await usage()).tokens!;
    assert.ok(counted > 0);
    await openAccount();
    await page.locator("#claude-config-usage-today").waitFor();
    assert.strictEqual((await page.locator("#claude-config-usage-today").textContent())?.trim(), `Today so far: ${counted.toLocaleString("en-US")} of 100,000 tokens (as the deployed account counted them).`);
    await shot(page, "account-usage-today", TRAY);
    await page.click("#node-config-dialog-cancel");
    await page.click("#node-dialog-cancel");
    await page.locator("#node-dialog-cancel").waitFor({ state: "detached" });
  });

  it("says in generate data what the account's model does with a schema", async () => {
    await placeAndEdit(page, "claude-generate-data", 300, 440);
    await page.selectOption("#node-input-config", { label: "Home" });
    await checkLine(page, "#claude-generate-data-structured", /Claude Haiku 4\.5 takes structured outputs/);
    await setCode(page, "#node-input-schema-editor", '{"type": "object", "properties": {"celsius": {"type": "number", "maximun": 60}}}');
    await checkLine(page, "#claude-generate-data-schema-check", /maximun/);
    await shot(page, "generate-data-schema-check", TRAY);
    await page.click("#node-dialog-delete");
    await page.locator("#node-dialog-delete").waitFor({ state: "detached" });
  });

  it("shows each node's help", async () => {
    await page.evaluate(() => (window as any).RED.sidebar.help.show("claude-conversation"));
    const help = page.locator(".red-ui-help:visible").filter({ hasText: "conversation_id" }).last();
    await help.waitFor();
    const text = (await help.textContent())!;
    assert.strictEqual(await page.locator(".red-ui-help-title:visible").last().textContent(), "Claude chat");
    assert.match(text, /^\s*Claude chat: a conversation with Claude/);
    for (const words of ["Inputs", "Outputs", "Details", "References", "conversation_id", "reset", "max_tokens"]) assert.ok(text.includes(words), words);
    assert.match(text, /no temperature/i);
    await shot(page, "help-conversation", "#red-ui-sidebar");
    await page.evaluate(() => (window as any).RED.sidebar.help.show("claude-config"));
    await page.locator(".red-ui-help:visible").filter({ hasText: "No temperature" }).last().waitFor();
  });

  it("imports an example from Import > Examples", async () => {
    await page.click("#red-ui-header-button-sidemenu");
    await page.click("#menu-item-import");
    await page.click("#red-ui-tab-red-ui-clipboard-dialog-import-tab-examples a");
    const tree = page.locator("#red-ui-clipboard-dialog-import-tab-examples");
    await tree.locator(".red-ui-treeList-label", { hasText: "node-red-contrib-claude" }).first().click();
    await tree.locator(".red-ui-treeList-label", { hasText: "basic-chat" }).first().click();
    await shot(page, "import-examples", ".ui-dialog:has(#red-ui-clipboard-dialog-import-tab-examples)");
    await page.click("#red-ui-clipboard-dialog-ok");
    const tab = page.locator("#red-ui-workspace-tabs .red-ui-tab", { hasText: "Claude: basic chat" });
    await tab.click();
    await page.locator("#red-ui-workspace-chart g.red-ui-flow-node-group", { hasText: "Start over" }).waitFor();
    const labels = await page.locator("#red-ui-workspace-chart g.red-ui-flow-node-group text").allTextContents();
    for (const label of ["Ask", "Ask again", "Start over", "Claude chat", "Claude's answer"]) {
      assert.ok(labels.some((l) => l.includes(label)), `${label} on the canvas: ${labels.join(" | ")}`);
    }
    await page.locator(".red-ui-notification").first().waitFor({ state: "detached", timeout: 15_000 }).catch(() => undefined);
    await shot(page, "example-basic-chat", "#red-ui-workspace-chart");
  });

  it("speaks German when the browser does", async () => {
    const german = await launchBrowser({ viewport: VIEWPORT, locale: "de-DE" });
    try {
      const p = german.page;
      await p.goto(nr.url);
      await paletteNode(p, "claude-conversation").waitFor();
      await paletteNode(p, "claude-conversation").scrollIntoViewIfNeeded();
      assert.strictEqual((await paletteNode(p, "claude-conversation").locator(".red-ui-palette-label").textContent())?.replace(/\s+/g, " ").trim(), "Chat mit Claude");
      assert.deepStrictEqual((await paletteLines(p, "claude-conversation")).join(" "), "Chat mit Claude", "no word broken");
      await placeAndEdit(p, "claude-conversation", 300, 300);
      assert.strictEqual(await p.locator('label[for="node-input-conversationId"]').textContent().then((t) => t?.trim()), "Konversation");
      assert.strictEqual((await p.locator(".red-ui-tray-titlebar").last().textContent())?.trim(), "Node 'Chat mit Claude' bearbeiten");
      await assertNoBareKeys(p);
      await shot(p, "de-conversation-dialog", TRAY);
      await p.click("#node-input-btn-config-add");
      await p.locator("#node-config-input-apiKey").waitFor();
      await p.fill("#node-config-input-apiKey", WRONG_KEY);
      await p.fill("#node-config-input-baseUrl", api.url);
      await p.locator("#node-config-input-baseUrl").dispatchEvent("change");
      assert.match(await modelInfo(p, /Der API-Schlüssel wurde abgelehnt/), /Modell-ID kann trotzdem eingegeben werden/);
      await assertNoBareKeys(p);
      await traysAtRest(p);
      await p.locator("#node-config-input-webSearch").check();
      assert.deepStrictEqual(await clippedPlaceholders(p), []);
      await shot(p, "de-account-dialog", TRAY);
    } finally {
      await german.close();
    }
  });
});
