import fs from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** The Chromium the browser tests drive: UPBEAT_CHROMIUM, or the distribution's package. */
export const CHROMIUM_PATH = process.env.UPBEAT_CHROMIUM ?? '/usr/bin/chromium';

/** Launches a headless Chromium for one test and closes it when the test ends. */
export async function launchBrowser(t: TestContext): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install one (e.g. apt-get install chromium) or set UPBEAT_CHROMIUM to ` +
        'the path of a Chromium or Chrome executable.',
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  t.after(() => browser.close());
  return browser;
}

export interface WatchedPage {
  page: Page;
  /** Uncaught page errors and console errors so far (hydration mismatches show up here). */
  errors: string[];
}

/** Something that can sign a browser context in (a running app: see tests/helpers/app-server.ts). */
export interface SignsIn {
  login(context: BrowserContext): Promise<void>;
}

/**
 * A page in a fresh context that records the page's own errors; signed in as the owner when `as` is given (the
 * dashboard needs a session, as it does for a person).
 */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
  as?: SignsIn,
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  if (as) await as.login(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return { page, errors };
}
