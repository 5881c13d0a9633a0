import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS_DIR } from "./paths";

/** Debian's Chromium, installed by scripts/ensure-chromium.sh. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

// The machine has no network: without the background-networking flags Chromium keeps
// trying (and failing) to reach Google's services at every start.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const SCREENSHOT_DIR = path.join(ARTIFACTS_DIR, "screenshots");

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  userDataDir: string;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  /** The browser's language (navigator.language), e.g. "de-DE"; the editor follows it. */
  locale?: string;
}

/** Headless Chromium with a fresh, throw-away profile (Playwright sets --user-data-dir from it). */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run scripts/ensure-chromium.sh`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nrc-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1400, height: 900 },
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    userDataDir,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until no edit tray is sliding in Node-RED's editor: a click during the slide lands where the element was. */
export async function traysAtRest(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const $ = (window as any).$;
    return $(".red-ui-tray:animated, .red-ui-tray :animated").length === 0;
  });
}

/** Writes a full-page PNG to test-artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
