import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { TEST_PASSWORD, startApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';

/** Settings as the owner meets them: the password change and API tokens, including when something fails. */

const outputDir = path.resolve(import.meta.dirname, '..', 'output');
fs.mkdirSync(outputDir, { recursive: true });

/** The page's own errors, without Chromium's log line for each non-2xx answer (the refusals are the point here). */
const realErrors = (errors: string[]) => errors.filter((e) => !/Failed to load resource/.test(e));

test('password change: a confirm field, problems in words, and the login page says what happened', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, { colorScheme: 'light' }, app);
  await page.goto(`${app.baseUrl}/settings`);
  const current = page.getByLabel('Current password');
  const fresh = page.getByLabel('New password', { exact: true });
  const confirm = page.getByLabel('Confirm new password');
  const change = page.getByRole('button', { name: 'Change password' });

  await current.fill(TEST_PASSWORD);
  await fresh.fill('short');
  await confirm.fill('shorter');
  await change.click();
  await page.getByText('New password must be at least 10 characters').waitFor();
  await page.getByText('Confirm new password does not match the new password').waitFor();
  assert.equal(await confirm.getAttribute('aria-invalid'), 'true');

  // The server's own refusal, worded for people: no API field names anywhere on the page.
  await current.fill('not the password');
  await fresh.fill('a brand new secret');
  await confirm.fill('a brand new secret');
  await change.click();
  await page.getByText('Current password is wrong').waitFor();
  await page.screenshot({ path: path.join(outputDir, 'settings-password-errors.png'), fullPage: true });
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /newPassword|currentPassword/);

  await current.fill(TEST_PASSWORD);
  await change.click();
  await page.waitForURL(`${app.baseUrl}/login?notice=password-changed`);
  const notice = page.getByRole('status').filter({ hasText: 'Password changed' });
  assert.equal(await notice.innerText(), 'Password changed; every session was ended. Log in again.');
  await page.screenshot({ path: path.join(outputDir, 'login-after-password-change.png') });
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill('a brand new secret');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${app.baseUrl}/`);
  assert.deepEqual(realErrors(errors), []);
});

test('tokens: copied with one click, revoked only after a confirmation, and a failed action says so', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, { colorScheme: 'dark' }, app);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
  await page.goto(`${app.baseUrl}/settings`);
  await page.getByText('No tokens yet.').waitFor();

  await page.getByLabel('Token name').fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = (await page.getByTestId('new-token').innerText()).trim();
  assert.match(secret, /^upb_/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByText('Copied to the clipboard.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await page.screenshot({ path: path.join(outputDir, 'settings-token-created.png'), fullPage: true });

  // Revoke asks first; Cancel leaves the token working.
  const row = page.getByRole('row').filter({ hasText: 'ci' });
  await row.getByRole('button', { name: 'Revoke ci' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke ci?' });
  await dialog.waitFor();
  await page.screenshot({ path: path.join(outputDir, 'settings-revoke-confirm.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const authorized = await fetch(`${app.baseUrl}/api/sites`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(authorized.status, 200, 'cancelled, yet the token no longer works');

  // The database held by another process: the revoke fails, and says so in the dialog where it was asked.
  const locker = new Database(app.dbPath);
  t.after(() => locker.close());
  await row.getByRole('button', { name: 'Revoke ci' }).click();
  locker.exec('BEGIN EXCLUSIVE');
  await dialog.getByRole('button', { name: 'Revoke token' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Could not revoke the token: The database is busy; try again' }).waitFor();
  await page.screenshot({ path: path.join(outputDir, 'settings-revoke-failed.png') });
  locker.exec('ROLLBACK');
  await dialog.getByRole('button', { name: 'Revoke token' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await row.getByText('revoked').waitFor();
  const refused = await fetch(`${app.baseUrl}/api/sites`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(refused.status, 401);

  // A failed create says so at the form.
  locker.exec('BEGIN EXCLUSIVE');
  await page.getByLabel('Token name').fill('deploy');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByText('Could not create the token: The database is busy; try again').waitFor();
  locker.exec('ROLLBACK');
  assert.deepEqual(realErrors(errors), []);
});

test('copy without a Clipboard API (plain http on a LAN address): the token is selected for Ctrl+C', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  // Outside a secure context browsers have no navigator.clipboard at all.
  await page.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
  await page.goto(`${app.baseUrl}/settings`);
  await page.getByLabel('Token name').fill('laptop');
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = (await page.getByTestId('new-token').innerText()).trim();
  await page.getByRole('button', { name: 'Copy' }).click();
  await page.getByText('Selected: press Ctrl+C').waitFor();
  assert.equal((await page.evaluate(() => window.getSelection()?.toString() ?? '')).trim(), secret);
  assert.deepEqual(realErrors(errors), []);
});
