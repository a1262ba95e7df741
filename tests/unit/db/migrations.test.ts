import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../../db';
import { migrate } from '../../../db/connection';
import { tempDir } from '../../helpers/temp-store';
import { nextSiteState } from '../../../lib/monitor/state';

const latest = Math.max(
  ...fs
    .readdirSync(path.join(import.meta.dirname, '../../../db/migrations'))
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .map((f) => Number(f.slice(0, 4))),
);

test('opening creates the folder and file, applies every migration and tunes the connection', (t) => {
  const file = path.join(tempDir(t), 'nested', 'deeper', 'upbeat.db');
  const store = openStore(file, { decideState: nextSiteState });
  t.after(() => store.close());
  assert.ok(fs.existsSync(file));
  assert.equal(store.db.pragma('user_version', { simple: true }), latest);
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(store.db.pragma('synchronous', { simple: true }), 1); // NORMAL
  assert.ok((store.db.pragma('busy_timeout', { simple: true }) as number) >= 1000);
});

test('migrating again is a no-op and keeps the data', (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const first = openStore(file, { decideState: nextSiteState });
  first.createSite({
    name: 'kept',
    url: 'http://127.0.0.1:9/',
    method: 'GET',
    intervalSeconds: 60,
    timeoutMs: 1000,
    expectedStatus: '200-399',
    followRedirects: true,
    headers: {},
    paused: false,
  });
  assert.equal(migrate(first.db), latest);
  first.close();
  const second = openStore(file, { decideState: nextSiteState });
  t.after(() => second.close());
  assert.equal(second.listSites()[0]!.name, 'kept');
});

test('an unwritable location fails with a message naming the path', (t) => {
  const dir = tempDir(t);
  const blocker = path.join(dir, 'a-file');
  fs.writeFileSync(blocker, '');
  assert.throws(() => openStore(path.join(blocker, 'upbeat.db'), { decideState: nextSiteState }), (err: Error) => err.message.includes(blocker));
});
