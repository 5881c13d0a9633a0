// The MCP server dialog in a real browser: the server's tools are listed through the admin endpoint
// with the typed token, ticked tools are saved as the allowed list, the conversation offers the
// server, and the token never comes back to the browser nor lands in the flow file.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Page } from "playwright-core";
import { HaMcpStandIn } from "./standins/ha-mcp-standin";
import { launchBrowser, SCREENSHOT_DIR, traysAtRest, type BrowserSession } from "./support/browser";
import { startNodeRed, type NodeRedProcess } from "./support/node-red-process";
import { REPO_ROOT } from "./support/paths";
import { RUNTIMES } from "./support/runtimes";

const TOKEN = "mcp-editor-typed-TOKEN-0123456789";

for (const runtime of RUNTIMES) describe(`the MCP server dialog on ${runtime.name} in a real browser`, function () {
  this.timeout(300_000);
  let server: HaMcpStandIn;
  let nr: NodeRedProcess;
  let browser: BrowserSession;
  let page: Page;
  const answers: string[] = [];

  before(async () => {
    server = new HaMcpStandIn(TOKEN);
    await server.start();
    nr = await startNodeRed({ ...(await runtime.options()), packages: [REPO_ROOT], flows: [] });
    browser = await launchBrowser({ viewport: { width: 1400, height: 1500 } });
    page = browser.page;
    page.on("response", async (res) => {
      if (res.url().includes("/claude-mcp/")) answers.push(await res.text().catch(() => ""));
    });
    await page.goto(nr.url);
    await page.locator('#red-ui-palette .red-ui-palette-node[data-palette-type="claude-conversation"]').waitFor();
  });
  after(async () => {
    await browser?.close();
    await nr?.stop();
    await server?.stop();
  });

  it("lists the server's tools with the typed token, saves the ticked ones, and keeps the token out of the flow file", async () => {
    await page.evaluate(() => (window as any).RED.editor.editConfig("", "claude-mcp", "_ADD_"));
    await page.locator("#node-config-input-connection").waitFor();
    // Home Assistant is the first choice, with its instructions on.
    assert.strictEqual(await page.inputValue("#node-config-input-connection"), "ha");
    assert.ok(await page.locator("#node-config-input-addInstructions").isChecked());
    await page.selectOption("#node-config-input-connection", "http");
    assert.strictEqual(await page.locator("#node-config-input-addInstructions").isChecked(), false);
    await page.fill("#node-config-input-name", "Tools");
    await page.fill("#node-config-input-url", server.url);
    await page.fill("#node-config-input-token", TOKEN);
    await page.click("#claude-mcp-load-tools");
    await page.waitForFunction(() => document.querySelectorAll("#claude-mcp-tool-list input").length === 4);
    assert.match((await page.locator("#claude-mcp-tool-info").textContent())!, /offers 4 tool/);
    const texts = await page.locator(".red-ui-tray").last().innerText();
    assert.doesNotMatch(texts, /\bclaude-mcp\.[a-z]/, "every text from the catalog");
    await traysAtRest(page);
    await page.locator('#claude-mcp-tool-list input[data-name="HassTurnOn"]').check();
    await page.locator('#claude-mcp-tool-list input[data-name="GetLiveContext"]').check();
    fs.mkdirSync(path.join(SCREENSHOT_DIR, runtime.id), { recursive: true });
    await page.locator(".red-ui-tray").last().screenshot({ path: path.join(SCREENSHOT_DIR, runtime.id, "mcp-dialog.png") });
    await page.click("#node-config-dialog-ok");
    await page.locator("#node-config-dialog-ok").waitFor({ state: "detached" });

    await page.click("#red-ui-header-button-deploy");
    await page.locator(".red-ui-notification", { hasText: /deployed/i }).first().waitFor();
    const flows = (await (await fetch(`${nr.url}/flows`, { headers: { "Node-RED-API-Version": "v1" } })).json()) as any[];
    const mcp = flows.find((n) => n.type === "claude-mcp");
    assert.deepStrictEqual([mcp.connection, mcp.url, mcp.tools], ["http", server.url, ["HassTurnOn", "GetLiveContext"]]);
    assert.ok(server.calls.length === 0, "listing the tools calls none");
    for (const file of fs.readdirSync(nr.userDir).filter((f) => f.startsWith("flows"))) {
      assert.ok(!fs.readFileSync(path.join(nr.userDir, file), "utf8").includes(TOKEN), `${file} holds the token in clear`);
    }
    assert.ok(answers.length > 0);
    for (const answer of answers) assert.ok(!answer.includes(TOKEN), "the token never comes back to the browser");
  });

  it("offers the deployed server in the conversation dialog", async () => {
    const chart = page.locator("#red-ui-workspace-chart");
    await page.locator('#red-ui-palette .red-ui-palette-node[data-palette-type="claude-conversation"]').dragTo(chart, { targetPosition: { x: 300, y: 200 } });
    const id = await page.evaluate(() => (window as any).RED.nodes.filterNodes({ type: "claude-conversation" })[0].id as string);
    await page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`).dblclick();
    await page.locator("#node-input-mcp-list input").first().waitFor();
    await traysAtRest(page);
    assert.deepStrictEqual(await page.locator("#node-input-mcp-list span").allTextContents(), ["Tools"]);
    await page.locator("#node-input-mcp-list input").first().check();
    await page.click("#node-dialog-ok");
    const saved = await page.evaluate((nodeId) => (window as any).RED.nodes.node(nodeId).mcp as string[], id);
    const mcpId = await page.evaluate(() => (window as any).RED.nodes.filterConfig?.({ type: "claude-mcp" })?.[0]?.id ?? null);
    assert.strictEqual(saved.length, 1);
    if (mcpId) assert.deepStrictEqual(saved, [mcpId]);
  });
});
