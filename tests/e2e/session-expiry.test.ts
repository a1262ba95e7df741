import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { TEST_PASSWORD, startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { tempDir } from '../helpers/temp-store';

/**
 * A dashboard whose session has ended does not go quietly stale: the next answer it gets (a 401 from a call, or
 * a refused event stream) takes it to the login page, which brings the person back after logging in.
 */

/** Ends the browser's session on the server, as an expiry or a logout elsewhere would; the cookie stays. */
async function endSession(app: RunningApp, context: BrowserContext) {
  const cookie = (await context.cookies(app.baseUrl)).find((c) => c.name === 'upbeat_session');
  assert.ok(cookie, 'no session cookie to end');
  const res = await fetch(`${app.baseUrl}/api/auth/logout`, {
    method: 'POST',
    headers: { cookie: `upbeat_session=${cookie.value}` },
  });
  assert.equal(res.status, 204);
}

/** The page's own errors, without Chromium's log line for each non-2xx answer (the 401s are the point here). */
const realErrors = (errors: string[]) => errors.filter((e) => !/Failed to load resource/.test(e));

test('a session ended while the overview is open: the next reload leads to the login page and back', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  // The stream is open before the session ends, so it is the overview's reload that meets the 401.
  const streamOpen = page.waitForResponse((r) => r.url().endsWith('/api/events') && r.status() === 200);
  await page.goto(`${app.baseUrl}/`);
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
  await streamOpen;
  await endSession(app, page.context());

  // A site added elsewhere: the event makes the overview reload, and that reload is refused.
  const res = await fetch(`${app.baseUrl}/api/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...app.authHeaders },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/', name: 'Added elsewhere' }),
  });
  assert.equal(res.status, 201);
  await page.waitForURL(`${app.baseUrl}/login?next=%2F`);

  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${app.baseUrl}/`);
  await page.getByText('Added elsewhere').first().waitFor();
  assert.deepEqual(realErrors(errors), []);
});

test('an event stream refused after a restart (the session ended meanwhile) leads to the login page', async (t) => {
  const dbPath = path.join(tempDir(t), 'upbeat.db');
  const first = await startApp(t, { dbPath, env: { UPBEAT_MONITOR: 'off' } });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, first);
  const streamOpen = page.waitForResponse((r) => r.url().endsWith('/api/events') && r.status() === 200);
  await page.goto(`${first.baseUrl}/`);
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
  await streamOpen;
  await endSession(first, page.context());
  assert.equal(await first.stop(), 0);

  // Same file, same port: the page's stream reconnects by itself, and the server refuses it (401).
  const port = Number(new URL(first.baseUrl).port);
  await startApp(t, { dbPath, port, env: { UPBEAT_MONITOR: 'off' } });
  await page.waitForURL(`${first.baseUrl}/login?next=%2F`, { timeout: 20_000 });
  assert.deepEqual(realErrors(errors), []);
});
