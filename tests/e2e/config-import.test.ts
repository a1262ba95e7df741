import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { writeKumaDb } from '../helpers/kuma-db';
import { tempDir } from '../helpers/temp-store';
import { IMPORT_MAX_BYTES } from '../../lib/config-file/import/upload';
import { openAppStore } from '../../lib/store';

/**
 * Moving from Uptime Kuma and Gatus as people do it: the import command against a real kuma.db, and Settings →
 * Import in Chromium with a Gatus file, each landing in a real Upbeat database. The checker is off: the targets
 * are 127.0.0.1 addresses nothing listens on, and nothing here is about checks.
 */

const root = path.resolve(import.meta.dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run config -- import-kuma|import-gatus …`, as a user runs it (lib/cli/config.ts hands imports to config-import.ts). */
function importCli(dbPath: string, args: readonly string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/config.ts', ...args], {
    cwd: root,
    env: { ...process.env, UPBEAT_DB: dbPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function siteNames(dbPath: string): string[] {
  const store = openAppStore(dbPath);
  try {
    return store.listSites().map((s) => s.name);
  } finally {
    store.close();
  }
}

test('import-kuma: a kuma.db is planned, then applied, into an Upbeat database; the Kuma file is untouched', async (t) => {
  const dir = tempDir(t);
  const kuma = path.join(dir, 'kuma.db');
  const dbPath = path.join(dir, 'upbeat.db');
  writeKumaDb(kuma, {
    monitor: [
      { id: 1, name: 'Local API', type: 'http', url: 'http://127.0.0.1:9/health', interval: 30, maxretries: 1 },
      { id: 2, name: 'Local DB', type: 'port', hostname: '127.0.0.1', port: 9 },
      { id: 3, name: 'Router', type: 'ping', hostname: '127.0.0.1' },
    ],
    notification: [{ name: 'Hook', config: JSON.stringify({ type: 'webhook', webhookURL: 'http://127.0.0.1:9/hook' }), user_id: 1 }],
    monitor_notification: [{ monitor_id: 1, notification_id: 1 }],
    status_page: [{ id: 1, slug: 'home', title: 'Home', icon: '', theme: 'light' }],
    group: [{ id: 1, name: 'Services', status_page_id: 1 }],
    monitor_group: [{ monitor_id: 1, group_id: 1 }],
  });
  const before = fs.readFileSync(kuma);

  const planned = await importCli(dbPath, ['import-kuma', kuma]);
  assert.equal(planned.code, 0, planned.stderr);
  assert.match(planned.stdout, /\+ create channel hook \(Hook\)\n\+ create site local-api \(Local API\)\n\+ create site local-db \(Local DB\)\n\+ create status page home \(Home\)\n4 to create, 0 to update, 0 to delete\./);
  assert.match(planned.stdout, /Not carried over \(1\):\n {2}- monitor "Router": Upbeat has no ping check/);
  assert.match(planned.stdout, /Nothing applied yet/);
  assert.deepEqual(siteNames(dbPath), []);

  const out = path.join(dir, 'upbeat.yaml');
  const applied = await importCli(dbPath, ['import-kuma', kuma, '--apply', '--out', out]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /Imported /);
  assert.deepEqual(siteNames(dbPath), ['Local API', 'Local DB']);
  assert.match(fs.readFileSync(out, 'utf8'), /url: \$\{UPBEAT_CHANNEL_HOOK_URL\}/);
  assert.match(applied.stdout, /reads these secrets from the environment: UPBEAT_CHANNEL_HOOK_URL, UPBEAT_CHANNEL_HOOK_SECRET/);
  assert.deepEqual(fs.readFileSync(kuma), before);

  const again = await importCli(dbPath, ['import-kuma', kuma, '--apply']);
  assert.match(again.stdout, /^No changes/);
  assert.deepEqual(siteNames(dbPath), ['Local API', 'Local DB'], 'a second import adds no copies');

  const bad = await importCli(dbPath, ['import-kuma', path.join(dir, 'nope.db')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no such file; nothing was imported/);
});

const GATUS = `endpoints:
  - name: front
    group: web
    url: "http://127.0.0.1:9/"
    interval: 45s
    conditions: ["[STATUS] == 200", "[BODY] == pat(*ok*)", "[CERTIFICATE_EXPIRATION] > 48h"]
  - name: cache
    url: "tcp://127.0.0.1:9"
    conditions: ["[CONNECTED] == true"]
`;

test('Settings → Import: a Gatus file shows its plan and what is not carried over, then imports; the API needs a login', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  const anonymous = await fetch(`${app.baseUrl}/api/config/import?from=gatus&apply=1`, { method: 'POST', body: GATUS });
  assert.equal(anonymous.status, 401);
  const badQuery = await fetch(`${app.baseUrl}/api/config/import?from=nagios`, { method: 'POST', body: GATUS, headers: app.authHeaders });
  assert.equal(badQuery.status, 400);
  assert.deepEqual(((await badQuery.json()) as { error: { fields: unknown } }).error.fields, { from: 'must be kuma or gatus' });
  const badFile = await fetch(`${app.baseUrl}/api/config/import?from=gatus`, { method: 'POST', body: 'storage: {}', headers: app.authHeaders });
  assert.equal(badFile.status, 400);

  // Over the cap (below Next.js's own cut-off): refused, naming the way to import a larger file.
  const tooLarge = await fetch(`${app.baseUrl}/api/config/import?from=kuma`, {
    method: 'POST',
    body: Buffer.alloc(IMPORT_MAX_BYTES + 1),
    headers: app.authHeaders,
  });
  assert.equal(tooLarge.status, 413);
  assert.match(((await tooLarge.json()) as { error: { message: string } }).error.message, /npm run config -- import-kuma/);

  // A kuma.db goes up as bytes, is read from a private temp file, and is only planned with apply=0.
  const kuma = path.join(tempDir(t), 'kuma.db');
  writeKumaDb(kuma, { monitor: [{ id: 1, name: 'Uploaded', type: 'http', url: 'http://127.0.0.1:9/' }] });
  const uploaded = await fetch(`${app.baseUrl}/api/config/import?from=kuma&apply=0`, {
    method: 'POST',
    body: fs.readFileSync(kuma),
    headers: { ...app.authHeaders, 'content-type': 'application/octet-stream' },
  });
  assert.equal(uploaded.status, 200);
  const answer = (await uploaded.json()) as { applied: boolean; summary: string; notCarried: { name: string }[] };
  assert.equal(answer.applied, false);
  assert.equal(answer.summary, '+ create site uploaded (Uploaded)\n1 to create, 0 to update, 0 to delete.');
  assert.deepEqual(answer.notCarried, []);

  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(`${app.baseUrl}/settings`);
  await page.getByRole('link', { name: 'Import', exact: true }).click();
  await page.getByLabel('From').selectOption('gatus');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'config.yaml', mimeType: 'application/yaml', buffer: Buffer.from(GATUS) });
  await page.getByRole('button', { name: 'Show plan' }).click();
  const plan = page.getByTestId('import-plan');
  await plan.waitFor();
  assert.equal(
    (await plan.textContent())?.trim(),
    ['+ create site front', '+ create site cache', '2 to create, 0 to update, 0 to delete.'].join('\n'),
  );
  const notCarried = await page.getByTestId('import-not-carried').textContent();
  assert.match(notCarried ?? '', /condition front: \[CERTIFICATE_EXPIRATION\] > 48h: certificate expiry is watched/);
  const listed = await fetch(`${app.baseUrl}/api/sites`, { headers: app.authHeaders });
  assert.deepEqual(await listed.json(), { sites: [] }, 'showing the plan writes nothing');

  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Imported' }).waitFor();
  const { sites } = (await (await fetch(`${app.baseUrl}/api/sites`, { headers: app.authHeaders })).json()) as {
    sites: { name: string; url: string; intervalSeconds: number }[];
  };
  assert.deepEqual(
    sites.map((s) => [s.name, s.url, s.intervalSeconds]),
    [
      ['front', 'http://127.0.0.1:9/', 45],
      ['cache', 'tcp://127.0.0.1:9', 60],
    ],
  );
  await page.getByRole('link', { name: 'overview' }).click();
  await page.getByText('front', { exact: true }).first().waitFor();
  assert.deepEqual(errors, []);
});
