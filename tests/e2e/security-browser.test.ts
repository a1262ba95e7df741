import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApp, TEST_PASSWORD } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';

test('a new user is led to create the account, then lands on the empty dashboard, and can log out and in', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' }, noAuth: true });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser);
  await page.goto(`${app.baseUrl}/`);
  await page.waitForURL(/\/setup$/);
  // Every problem at once, each next to its field, and no account made.
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Confirm password').fill('shorter');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText(/at least 10 characters/).first().waitFor();
  await page.getByText(/does not match the password/).waitFor();
  assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Confirm password').getAttribute('aria-invalid'), 'true');
  assert.equal((await (await fetch(`${app.baseUrl}/api/auth/me`)).json()).setupRequired, true);
  await page.getByLabel('Confirm password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText(/at least 10 characters/).first().waitFor();
  await page.getByLabel('Password', { exact: true }).fill('a long enough secret');
  await page.getByLabel('Confirm password').fill('a long enough secret');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${app.baseUrl}/`);
  await page.getByRole('heading', { name: 'Sites' }).waitFor();

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/login/);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill('a long enough secret');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${app.baseUrl}/`);
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused to/.test(e)), [], 'CSP blocked something');
});

test('names, URLs and error messages render as text: an XSS name shows literally and runs nothing', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const evil = '<img src=x onerror=alert(1)>';
  const res = await fetch(`${app.baseUrl}/api/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...app.authHeaders },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/?q=<script>alert(2)</script>', name: evil }),
  });
  assert.equal(res.status, 201);
  const { id } = (await res.json()) as { id: number };

  const browser = await launchBrowser(t);
  const context = await browser.newContext();
  await app.login(context);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  for (const path of ['/', `/sites/${id}`]) {
    await page.goto(`${app.baseUrl}${path}`);
    await page.getByText(evil).first().waitFor();
    assert.equal(await page.locator('img[src="x"]').count(), 0, `an <img> was injected on ${path}`);
    assert.equal(await page.locator('script:has-text("alert(2)")').count(), 0);
  }
  await page.waitForTimeout(300);
  assert.deepEqual(dialogs, []);
});

test('after login the browser stays on this site, however `next` spells another host', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const browser = await launchBrowser(t);
  const { page } = await openPage(browser);
  const home = `${app.baseUrl}/`;
  // As they would arrive in a link: a tab, a newline, a backslash, a dot segment, and encoded slashes.
  const nexts = ['/%09/attacker.example/', '/%0A/attacker.example/', '/%5Cattacker.example/', '/.//attacker.example/', '/%5C%09/attacker.example/'];
  for (const next of nexts) {
    await page.context().clearCookies();
    await page.goto(`${app.baseUrl}/login?next=${next}`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/' || url.host !== new URL(app.baseUrl).host);
    assert.equal(page.url(), home, `next=${next} led to ${page.url()}`);
    // Already logged in, the login page redirects at once: the same rule.
    await page.goto(`${app.baseUrl}/login?next=${next}`);
    await page.waitForURL((url) => url.pathname === '/' || url.host !== new URL(app.baseUrl).host);
    assert.equal(page.url(), home, `logged in, next=${next} led to ${page.url()}`);
  }
  // An encoded slash stays a path on this site (a 404 here, never another host).
  await page.goto(`${app.baseUrl}/login?next=${encodeURIComponent('/%2F%2Fattacker.example/')}`);
  await page.waitForURL((url) => url.pathname !== '/login');
  assert.equal(new URL(page.url()).host, new URL(app.baseUrl).host);
});

test('from another machine, setup works through the start log\u2019s link and is refused without it', async (t) => {
  // The loopback test client stands in for a proxy relaying a browser elsewhere on the network.
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off', UPBEAT_TRUST_PROXY: '127.0.0.1' }, noAuth: true });
  const link = /http:\/\/localhost:\d+(\/setup\?code=[A-Za-z0-9_-]+)/.exec(app.output());
  assert.ok(link, app.output());
  const browser = await launchBrowser(t);
  const { page } = await openPage(browser, { extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.9' } });
  const fill = async () => {
    await page.getByLabel('Password', { exact: true }).fill('a long enough secret');
    await page.getByLabel('Confirm password').fill('a long enough secret');
    await page.getByRole('button', { name: 'Create account' }).click();
  };
  await page.goto(`${app.baseUrl}/setup`);
  await fill();
  await page.getByRole('alert').filter({ hasText: /start log/ }).waitFor();
  assert.equal((await (await fetch(`${app.baseUrl}/api/auth/me`)).json()).setupRequired, true);
  await page.goto(`${app.baseUrl}${link[1]}`);
  await fill();
  await page.waitForURL(`${app.baseUrl}/`);
  await page.getByRole('heading', { name: 'Sites' }).waitFor();
});
