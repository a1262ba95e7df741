import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { tempDir } from '../helpers/temp-store';
import { openAppStore } from '../../lib/store';

/**
 * Configuration as code as people use it: `npm run config` from a shell, UPBEAT_CONFIG at start, the export
 * route, and managed objects read-only in the browser. The checker is off: nothing here is about checks.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const outputDir = path.join(root, 'tests', 'output', 'screenshots');

const FILE_TEXT = `version: 1
defaults:
  intervalSeconds: 30
groups:
  - { key: api, name: Public API }
channels:
  - key: ops
    name: Ops hook
    type: webhook
    config:
      url: http://127.0.0.1:9/hook
      secret: \${OPS_HOOK_SECRET}
sites:
  - key: api
    name: API
    url: http://127.0.0.1:9/health
    group: api
    channels: [ops]
  - key: web
    name: Website
    url: http://127.0.0.1:9/
statusPages:
  - key: status
    title: Our status
    groups: [api]
    sites: [web]
`;
const SECRET = 'ops-secret-of-16-chars';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run -s config -- ...args` as a user types it, against `dbPath`. */
function npmConfig(dbPath: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn('npm', ['run', '-s', 'config', '--', ...args], {
    cwd: root,
    env: { ...process.env, UPBEAT_DB: dbPath, OPS_HOOK_SECRET: SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function counts(dbPath: string): { sites: number; channels: number; pages: number } {
  const store = openAppStore(dbPath);
  try {
    return { sites: store.listSites().length, channels: store.listChannels().length, pages: store.listStatusPages().length };
  } finally {
    store.close();
  }
}

test('npm run config: a bad file is refused by line and column, then plan, apply, plan again and export', async (t) => {
  const dir = tempDir(t);
  const dbPath = path.join(dir, 'upbeat.db');
  const file = path.join(dir, 'upbeat.yaml');

  fs.writeFileSync(file, FILE_TEXT.replace('    url: http://127.0.0.1:9/\n', '    url: http://127.0.0.1:9/\n    intervalSeconds: 0\n'));
  const bad = await npmConfig(dbPath, ['apply', file]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.equal(bad.stderr.split('\n')[0], `${file}:22:5 sites[1].intervalSeconds: must be at least 1`);
  assert.match(bad.stderr, /nothing was applied/);
  assert.deepEqual(counts(dbPath), { sites: 0, channels: 0, pages: 0 });

  fs.writeFileSync(file, FILE_TEXT);
  const planned = await npmConfig(dbPath, ['plan', file]);
  assert.equal(planned.code, 0, planned.stderr);
  assert.equal(
    planned.stdout.trim(),
    [
      '+ create channel ops (Ops hook)',
      '+ create site api (API)',
      '+ create site web (Website)',
      '+ create status page status (Our status)',
      '4 to create, 0 to update, 0 to delete.',
    ].join('\n'),
  );
  assert.deepEqual(counts(dbPath), { sites: 0, channels: 0, pages: 0 }, 'plan writes nothing');

  const applied = await npmConfig(dbPath, ['apply', file]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal(applied.stdout, `${planned.stdout.trim()}\nApplied ${file}.\n`);
  assert.deepEqual(counts(dbPath), { sites: 2, channels: 1, pages: 1 });

  fs.writeFileSync(file, FILE_TEXT.replace('name: Website', 'name: Homepage'));
  const renamed = await npmConfig(dbPath, ['plan', file]);
  assert.equal(renamed.stdout.trim(), ['~ update site web (Homepage)', '    name: "Website" → "Homepage"', '0 to create, 1 to update, 0 to delete.'].join('\n'));

  const exported = await npmConfig(dbPath, ['export']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.stderr, '');
  assert.match(exported.stdout, /secret: \$\{UPBEAT_CHANNEL_OPS_SECRET\}/);
  assert.doesNotMatch(exported.stdout, new RegExp(SECRET));
  const withSecrets = await npmConfig(dbPath, ['export', '--with-secrets']);
  assert.match(withSecrets.stdout, new RegExp(`secret: ${SECRET}`));
  assert.match(withSecrets.stderr, /warning: this export holds secrets in clear/);

  // The export, applied to an empty database, plans no change against the database it came from.
  const copy = path.join(dir, 'export.yaml');
  fs.writeFileSync(copy, withSecrets.stdout);
  const second = path.join(dir, 'second.db');
  assert.equal((await npmConfig(second, ['apply', copy])).code, 0);
  assert.deepEqual(counts(second), { sites: 2, channels: 1, pages: 1 });

  const usage = await npmConfig(dbPath, ['apply']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /apply needs one FILE/);
});

test('UPBEAT_CONFIG is applied at start; managed objects answer 409; the export needs credentials', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'upbeat.yaml');
  fs.writeFileSync(file, FILE_TEXT);
  const app = await startApp(t, { env: { UPBEAT_CONFIG: file, UPBEAT_MONITOR: 'off', OPS_HOOK_SECRET: SECRET } });
  assert.match(app.output(), /applied .*upbeat\.yaml: 4 to create, 0 to update, 0 to delete\./);

  const sites = (await (await fetch(`${app.baseUrl}/api/sites`, { headers: app.authHeaders })).json()) as { sites: { id: number; name: string }[] };
  assert.deepEqual(sites.sites.map((s) => s.name), ['API', 'Website']);
  const api = sites.sites[0]!;
  const patch = await fetch(`${app.baseUrl}/api/sites/${api.id}`, {
    method: 'PATCH',
    headers: { ...app.authHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Changed' }),
  });
  assert.equal(patch.status, 409);
  assert.match(((await patch.json()) as { error: { message: string } }).error.message, new RegExp(`managed by ${file.replaceAll('.', '\\.')}`));
  const del = await fetch(`${app.baseUrl}/api/sites/${api.id}`, { method: 'DELETE', headers: app.authHeaders });
  assert.equal(del.status, 409);

  assert.equal((await fetch(`${app.baseUrl}/api/config/export`)).status, 401);
  const exported = await fetch(`${app.baseUrl}/api/config/export`, { headers: app.authHeaders });
  assert.equal(exported.status, 200);
  assert.match(exported.headers.get('content-disposition') ?? '', /filename="upbeat\.yaml"/);
  assert.equal(exported.headers.get('x-upbeat-warning'), null);
  const text = await exported.text();
  assert.match(text, /- key: api\n {4}name: API\n/);
  assert.doesNotMatch(text, new RegExp(SECRET));
  const clear = await fetch(`${app.baseUrl}/api/config/export?secrets=include`, { headers: app.authHeaders });
  assert.match(clear.headers.get('x-upbeat-warning') ?? '', /secrets in clear/);
  assert.match(await clear.text(), new RegExp(SECRET));
  assert.equal((await fetch(`${app.baseUrl}/api/config/export?secrets=maybe`, { headers: app.authHeaders })).status, 400);
  // The JSON Schema is served for editors, to anyone.
  const schema = await fetch(`${app.baseUrl}/upbeat-config.schema.json`);
  assert.equal(schema.status, 200);
  assert.equal(await schema.text(), fs.readFileSync(path.join(root, 'public', 'upbeat-config.schema.json'), 'utf8'));

  // Every start applies the file as it is then.
  assert.equal(await app.stop(), 0);
  fs.writeFileSync(file, FILE_TEXT.replace('name: Website', 'name: Homepage'));
  const again = await startApp(t, { dbPath: app.dbPath, env: { UPBEAT_CONFIG: file, UPBEAT_MONITOR: 'off', OPS_HOOK_SECRET: SECRET } });
  assert.match(again.output(), /applied .*upbeat\.yaml: 0 to create, 1 to update, 0 to delete\./);
  const after = (await (await fetch(`${again.baseUrl}/api/sites`, { headers: again.authHeaders })).json()) as { sites: { name: string }[] };
  assert.deepEqual(after.sites.map((s) => s.name), ['API', 'Homepage']);
});

test('an invalid UPBEAT_CONFIG stops the start with the file, line and column, and writes nothing', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'upbeat.yaml');
  const dbPath = path.join(dir, 'upbeat.db');
  fs.writeFileSync(file, FILE_TEXT.replace('    group: api\n', '    group: api\n    timeoutMs: 5\n'));
  await assert.rejects(startApp(t, { dbPath, env: { UPBEAT_CONFIG: file, UPBEAT_MONITOR: 'off', OPS_HOOK_SECRET: SECRET } }), (err: Error) => {
    assert.match(err.message, /exited with 1/);
    assert.ok(err.message.includes(`${file}:18:5 sites[0].timeoutMs: must be at least 100`), err.message);
    return true;
  });
  assert.deepEqual(counts(dbPath), { sites: 0, channels: 0, pages: 0 });
});

test('in the browser, managed objects say where they come from instead of offering Edit and Delete', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'upbeat.yaml');
  fs.writeFileSync(file, FILE_TEXT);
  const app = await startApp(t, { env: { UPBEAT_CONFIG: file, UPBEAT_MONITOR: 'off', OPS_HOOK_SECRET: SECRET } });
  // One object made in the UI, to show the difference.
  const own = await fetch(`${app.baseUrl}/api/sites`, {
    method: 'POST',
    headers: { ...app.authHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'http://127.0.0.1:9/own', name: 'Own site' }),
  });
  const ownId = ((await own.json()) as { id: number }).id;
  const managedId = ((await (await fetch(`${app.baseUrl}/api/sites`, { headers: app.authHeaders })).json()) as { sites: { id: number }[] }).sites[0]!.id;

  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  const note = 'Managed by upbeat.yaml — edit the file and apply';

  await page.goto(`${app.baseUrl}/sites/${managedId}`);
  const actions = page.getByRole('group', { name: 'Site actions' });
  await actions.getByText(note).waitFor();
  assert.equal(await actions.getByRole('button', { name: 'Edit' }).count(), 0);
  assert.equal(await actions.getByRole('button', { name: 'Delete' }).count(), 0);
  assert.equal(await actions.getByRole('button', { name: 'Check now' }).count(), 1);
  fs.mkdirSync(outputDir, { recursive: true });
  await page.locator('header').filter({ has: actions }).screenshot({ path: path.join(outputDir, 'config-managed-site-light.png') });

  await page.goto(`${app.baseUrl}/sites/${ownId}`);
  await actions.getByRole('button', { name: 'Edit' }).waitFor();
  assert.equal(await page.getByText(note).count(), 0);

  // The dashboard row of a managed site says where it is declared instead of offering Pause, Edit and Delete.
  const managedName = ((await (await fetch(`${app.baseUrl}/api/sites/${managedId}`, { headers: app.authHeaders })).json()) as { name: string }).name;
  await page.goto(app.baseUrl);
  const rowOf = (name: string) => page.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name }) });
  await rowOf(managedName).getByTestId('managed-note').waitFor();
  assert.match((await rowOf(managedName).getByTestId('managed-note').innerText()).trim(), /^In upbeat\.yaml$/);
  assert.equal(await rowOf(managedName).getByRole('button', { name: /Edit|Delete|Pause/ }).count(), 0);
  assert.equal(await rowOf(managedName).getByRole('button', { name: /Check now/ }).count(), 1);
  assert.equal(await rowOf('Own site').getByRole('button', { name: /Edit/ }).count(), 1);
  assert.equal(await rowOf('Own site').getByTestId('managed-note').count(), 0);

  await page.goto(`${app.baseUrl}/settings/notifications`);
  const channel = page.getByRole('listitem').filter({ hasText: 'Ops hook' });
  await channel.getByText(note).waitFor();
  assert.equal(await channel.getByRole('button', { name: 'Edit' }).count(), 0);
  assert.equal(await channel.getByRole('button', { name: 'Send test' }).count(), 1);

  await page.goto(`${app.baseUrl}/settings/status-pages`);
  const row = page.getByRole('listitem').filter({ hasText: 'Our status' });
  await row.getByText(note).waitFor();
  await row.screenshot({ path: path.join(outputDir, 'config-managed-page-light.png') });
  assert.equal(await row.getByRole('button', { name: /Delete/ }).count(), 0);
  await row.getByRole('link', { name: 'Posts of Our status' }).click();
  await page.getByText(note).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Delete page' }).count(), 0);

  // Settings → Backup: the download of the whole configuration.
  await page.goto(`${app.baseUrl}/settings/storage`);
  const link = page.getByRole('link', { name: 'Download upbeat.yaml' });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = path.join(dir, 'downloaded.yaml');
  await download.saveAs(saved);
  assert.match(fs.readFileSync(saved, 'utf8'), /- key: api\n/);
  assert.deepEqual(errors, []);
});
