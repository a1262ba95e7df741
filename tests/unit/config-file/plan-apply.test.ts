import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../../db';
import { createChannel, deleteChannel, updateChannel } from '../../../lib/channels';
import { applyPlan } from '../../../lib/config-file/apply';
import { exportConfig } from '../../../lib/config-file/export';
import { ConfigFileError, loadConfigText } from '../../../lib/config-file/load';
import { formatPlan, planConfig, type Plan } from '../../../lib/config-file/plan';
import { applyFile } from '../../../lib/config-file/run';
import { AppError } from '../../../lib/errors';
import { createSite, deleteSite, updateSite } from '../../../lib/sites';
import { deletePage, savePage } from '../../../lib/status/pages';
import { tempDir, tempStore } from '../../helpers/temp-store';

const FILE = 'upbeat.yaml';
const env: Record<string, string> = { HOOK_SECRET: 'a-secret-of-16-chars+' };

function plan(store: Store, text: string): Plan {
  return planConfig(store, loadConfigText(text, FILE, (n) => env[n]).desired, FILE);
}

function apply(store: Store, text: string): Plan {
  const p = plan(store, text);
  applyPlan(store, p);
  return p;
}

const BASE = `version: 1
channels:
  - key: ops
    name: Ops hook
    type: webhook
    config: { url: "http://127.0.0.1:9/hook", secret: "\${HOOK_SECRET}" }
sites:
  - key: api
    name: API
    url: http://127.0.0.1:8080/health
    channels: [ops]
  - key: web
    name: Web
    url: http://127.0.0.1:8081/
statusPages:
  - key: main
    title: Main
    sites: [api, web]
`;

test('a first apply creates every object, marked as managed by the file; applying again changes nothing', (t) => {
  const store = tempStore(t);
  const first = apply(store, BASE);
  assert.deepEqual(
    first.changes.map((c) => `${c.action} ${c.kind} ${c.key}`),
    ['create channel ops', 'create site api', 'create site web', 'create statusPage main'],
  );
  assert.match(formatPlan(first), /4 to create, 0 to update, 0 to delete\.$/);
  const [api, web] = store.listSites();
  assert.equal(api!.name, 'API');
  assert.equal(web!.url, 'http://127.0.0.1:8081/');
  assert.deepEqual(api!.channels, [store.listChannels()[0]!.id]);
  assert.deepEqual(store.configMarks('site').map((m) => [m.key, m.managedBy]), [['api', FILE], ['web', FILE]]);
  assert.equal(store.managedBy('statusPage', store.getStatusPageBySlug('main')!.id), FILE);

  const again = plan(store, BASE);
  assert.deepEqual(again.changes, []);
  assert.equal(formatPlan(again), `No changes: ${FILE} matches what Upbeat holds.`);
});

test('a rename is an update of the same object (same id, same history), with each changed field old → new', (t) => {
  const store = tempStore(t);
  apply(store, BASE);
  const before = store.listSites().find((s) => s.name === 'API')!;
  const changed = BASE.replace('name: API', 'name: Public API').replace('url: http://127.0.0.1:8080/health', 'url: http://127.0.0.1:8080/healthz\n    intervalSeconds: 15');
  const p = apply(store, changed);
  assert.deepEqual(p.changes.map((c) => `${c.action} ${c.kind} ${c.key}`), ['update site api']);
  assert.deepEqual(p.changes[0]!.fields, [
    { field: 'name', from: '"API"', to: '"Public API"' },
    { field: 'url', from: '"http://127.0.0.1:8080/health"', to: '"http://127.0.0.1:8080/healthz"' },
    { field: 'intervalSeconds', from: '60', to: '15' },
  ]);
  assert.match(formatPlan(p), /~ update site api \(Public API\)\n {4}name: "API" → "Public API"\n/);
  const after = store.getSite(before.id)!;
  assert.equal(after.name, 'Public API');
  assert.equal(after.intervalSeconds, 15);
  assert.equal(store.listSites().length, 2);
});

test('a secret that changes is said to change without showing either value', (t) => {
  const store = tempStore(t);
  apply(store, BASE);
  env.HOOK_SECRET = 'another-secret-of-16+';
  t.after(() => (env.HOOK_SECRET = 'a-secret-of-16-chars+'));
  const p = plan(store, BASE);
  assert.deepEqual(p.changes[0]!.fields, [{ field: 'config.secret', from: '(secret)', to: '(secret, changed)' }]);
  assert.doesNotMatch(formatPlan(p), /another-secret|a-secret-of/);
});

test('a managed object the file no longer declares is deleted; objects made in the UI stay unless prune: true', async (t) => {
  const store = tempStore(t);
  apply(store, BASE);
  const mine = await createSite(store, { url: 'http://127.0.0.1:8090/', name: 'Made in the UI' });
  const withoutWeb = BASE.replace('  - key: web\n    name: Web\n    url: http://127.0.0.1:8081/\n', '').replace('sites: [api, web]', 'sites: [api]');
  const p = apply(store, withoutWeb);
  assert.deepEqual(p.changes.map((c) => `${c.action} ${c.kind} ${c.key}`), ['update statusPage main', 'delete site web']);
  assert.deepEqual(store.listSites().map((s) => s.name).sort(), ['API', 'Made in the UI']);

  savePage(store, { slug: 'ui-page', title: 'Made in the UI' });
  const pruned = apply(store, `${withoutWeb}prune: true\n`);
  assert.deepEqual(pruned.changes.map((c) => `${c.action} ${c.kind} ${c.key}`), ['delete statusPage ui-page', `delete site site-${mine.id}`]);
  assert.deepEqual(store.listSites().map((s) => s.name), ['API']);
  assert.deepEqual(store.listStatusPages().map((p) => p.slug), ['main']);
});

test('apply is all or nothing: a failure on the second site leaves nothing of the first, nor its channel', (t) => {
  const store = tempStore(t);
  const p = plan(store, BASE);
  assert.throws(() => applyPlan(store, p, { maxSites: 1 }), (err: unknown) => err instanceof AppError && err.code === 'limit' && /sites\.1 \(web\)/.test(err.message));
  assert.equal(store.listSites().length, 0);
  assert.equal(store.listChannels().length, 0);
  assert.equal(store.listStatusPages().length, 0);
});

test('an invalid file on disk changes nothing and names file:line:column', async (t) => {
  const store = tempStore(t);
  const file = path.join(tempDir(t), 'upbeat.yaml');
  fs.writeFileSync(file, BASE.replace('    url: http://127.0.0.1:8081/', '    url: http://127.0.0.1:8081/\n    timeoutMs: 1'));
  await assert.rejects(applyFile(store, file, { env: (n) => env[n] }), (err: unknown) => {
    assert.ok(err instanceof ConfigFileError);
    assert.equal(err.message, `${file}:15:5 sites[1].timeoutMs: must be at least 100`);
    return true;
  });
  assert.equal(store.listSites().length + store.listChannels().length + store.listStatusPages().length, 0);
});

test('the target policy applies to a file as to the API: a metadata address is refused at its field', async (t) => {
  const store = tempStore(t);
  const file = path.join(tempDir(t), 'upbeat.yaml');
  fs.writeFileSync(file, 'version: 1\nsites:\n  - key: meta\n    url: http://169.254.169.254/latest\n');
  await assert.rejects(applyFile(store, file), (err: unknown) => {
    assert.ok(err instanceof ConfigFileError);
    assert.match(err.message, /:4:5 sites\[0\]\.url: points at .*which Upbeat does not connect to$/);
    return true;
  });
  assert.equal(store.listSites().length, 0);
});

test('managed objects are read-only through the API verbs, which name the file (409)', async (t) => {
  const store = tempStore(t);
  apply(store, BASE);
  const site = store.listSites()[0]!;
  const channel = store.listChannels()[0]!;
  const page = store.getStatusPageBySlug('main')!;
  const conflict = (err: unknown) => err instanceof AppError && err.code === 'conflict' && err.message.includes(`managed by ${FILE}`);
  await assert.rejects(updateSite(store, site.id, { name: 'x' }), conflict);
  assert.throws(() => deleteSite(store, site.id), conflict);
  await assert.rejects(updateChannel(store, channel.id, { name: 'x' }), conflict);
  assert.throws(() => deleteChannel(store, channel.id), conflict);
  assert.throws(() => savePage(store, { slug: 'main', title: 'x' }, page.id), conflict);
  assert.throws(() => deletePage(store, page.id), conflict);
  assert.equal(store.getSite(site.id)!.name, 'API');
  // What the UI made stays editable.
  const ui = await createChannel(store, { name: 'UI', type: 'ntfy', config: { serverUrl: 'http://127.0.0.1:9', topic: 't' } });
  await updateChannel(store, ui.id, { name: 'UI 2' });
  assert.equal(store.getChannel(ui.id)!.name, 'UI 2');
});

test('applying an export of objects made in the UI takes them over instead of adding copies', async (t) => {
  const store = tempStore(t);
  const site = await createSite(store, { url: 'http://127.0.0.1:8080/', name: 'Old' });
  const exported = exportConfig(store).yaml;
  const p = apply(store, exported);
  assert.deepEqual(p.changes.map((c) => `${c.action} ${c.kind} ${c.key}`), [`update site site-${site.id}`]);
  assert.deepEqual(p.changes[0]!.fields, [{ field: 'managedBy', from: '(UI)', to: FILE }]);
  assert.equal(store.listSites().length, 1);
  assert.equal(store.managedBy('site', site.id), FILE);
});
