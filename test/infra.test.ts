// Checks the test infrastructure itself: a real Node-RED 4.1 whose editor renders in
// headless Chromium, and Node-RED 5 on Node 22.
import * as assert from "assert";
import * as fs from "fs";
import { launchBrowser, screenshot, BrowserSession } from "./support/browser";
import { startNodeRed, NodeRedProcess } from "./support/node-red-process";
import { ensureNodeRed5 } from "./support/node-red-5";

describe("test infrastructure", function () {
  let nr: NodeRedProcess | undefined;
  let browser: BrowserSession | undefined;

  afterEach(async function () {
    await browser?.close();
    await nr?.stop();
    browser = nr = undefined;
  });

  it("opens the Node-RED 4.1 editor in headless Chromium", async function () {
    this.timeout(60_000);
    nr = await startNodeRed({ flows: [] });
    browser = await launchBrowser();
    const { page } = browser;
    await page.goto(nr.url);
    await page.locator('#red-ui-palette .red-ui-palette-node[data-palette-type="inject"]').waitFor();
    const file = await screenshot(page, "infra-node-red-4-editor");
    assert.ok(fs.statSync(file).size > 0);

    const types = await page
      .locator("#red-ui-palette .red-ui-palette-node[data-palette-type]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-palette-type")));
    for (const core of ["inject", "debug", "function", "change", "switch"]) {
      assert.ok(types.includes(core), `palette lacks ${core}: ${types.join(", ")}`);
    }
  });

  it("runs Node-RED 5 on Node 22", async function () {
    this.timeout(300_000); // the first run installs node-red@5 and Node 22 from npm
    const rt = await ensureNodeRed5();
    nr = await startNodeRed({ nodeBinary: rt.nodeBinary, nodeRedDir: rt.nodeRedDir, flows: [] });
    const settings = (await (await fetch(`${nr.url}/settings`)).json()) as { version: string };
    assert.match(settings.version, /^5\./);
    assert.match(nr.output(), /Node\.js\s+version: v22\./);
  });
});
