import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../../db';
import type { DecideState, SiteStatus, StateEvent } from '../../../db/domain';
import { nextSiteState } from '../../../lib/monitor/state';
import { SecretBox } from '../../../lib/secrets/box';
import { tempDir, tempStore } from '../../helpers/temp-store';
import { newCheck, newSite } from '../../helpers/factories';

const SECRETS = new SecretBox(Buffer.alloc(32, 7), 'the test key');
const POLICY = { decideState: nextSiteState, secrets: SECRETS };
const MIGRATIONS = path.join(import.meta.dirname, '../../../db/migrations');

function statusRow(store: Store, id: number) {
  return store.db
    .prepare<[number], Record<string, unknown>>(
      `SELECT state, last_check_id, last_checked_at, fail_streak, pass_streak FROM sites WHERE id = ?`,
    )
    .get(id);
}

test('recording keeps the counters the state is decided from, and returns each transition once', (t) => {
  const store = tempStore(t);
  const s = store.createSite(newSite());
  const fail = { ok: false, statusCode: 500, error: { kind: 'status' as const, message: 'HTTP 500' } };
  const first = store.recordChecks([newCheck(s.id, 1000), newCheck(s.id, 2000, fail), newCheck(s.id, 3000, fail)]);
  assert.deepEqual(
    first.transitions.map(({ from, to, at }) => [from, to, at]),
    [
      ['pending', 'up', 1000],
      ['up', 'down', 2000],
    ],
  );
  const newest = store.listChecks(s.id, { limit: 1 })[0]!;
  assert.equal(first.transitions[1]!.checkId, store.listChecks(s.id, { limit: 2 })[1]!.id);
  assert.deepEqual(statusRow(store, s.id), {
    state: 'down',
    last_check_id: newest.id,
    last_checked_at: 3000,
    fail_streak: 2,
    pass_streak: 0,
  });
  // A late result is stored as a check but moves nothing.
  const late = store.recordChecks([newCheck(s.id, 1500)]);
  assert.deepEqual(late.transitions, []);
  assert.equal(statusRow(store, s.id)!.fail_streak, 2);
  assert.equal(store.getSite(s.id)!.lastCheck!.checkedAt, 3000);
});

test('a site paused through another connection stays paused when a batch already in hand is written', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'upbeat.db');
  const checker = openStore(file, POLICY);
  t.after(() => checker.close());
  const web = openStore(file, POLICY);
  t.after(() => web.close());
  const s = web.createSite(newSite());
  checker.recordChecks([newCheck(s.id, 1000)]);
  assert.equal(web.getSite(s.id)!.state, 'up');
  web.updateSite(s.id, { paused: true });
  const outcome = checker.recordChecks([newCheck(s.id, 2000, { ok: false, error: { kind: 'reset', message: 'reset' } })]);
  assert.equal(outcome.recorded, 1);
  assert.deepEqual(outcome.transitions, []);
  assert.equal(web.getSite(s.id)!.state, 'paused');
  // Resuming decides from the check recorded while paused.
  assert.equal(web.updateSite(s.id, { paused: false })!.state, 'down');
});

test('db/ stores what the decision returns and decides nothing itself', (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const seen: StateEvent[] = [];
  // A policy no real site would have: every event counts as a failure, and a site is never paused.
  const contrary: DecideState = (prev, event) => {
    seen.push(event);
    const status: SiteStatus = { ...prev, state: 'down', failStreak: prev.failStreak + 1 };
    if (event.kind === 'check') Object.assign(status, { lastCheckId: event.checkId, lastCheckedAt: event.checkedAt });
    return { status, transition: prev.state === 'down' ? null : { siteId: prev.siteId, from: prev.state, to: 'down', at: 0 } };
  };
  const store = openStore(file, { decideState: contrary, secrets: SECRETS });
  t.after(() => store.close());
  const s = store.createSite(newSite({ paused: true }));
  assert.equal(s.state, 'down');
  assert.equal(s.paused, true);
  const outcome = store.recordChecks([newCheck(s.id, 1000, { ok: true })]);
  assert.deepEqual(outcome.transitions, []);
  assert.equal(store.getSite(s.id)!.state, 'down');
  assert.equal(statusRow(store, s.id)!.fail_streak, 2);
  assert.deepEqual(seen.map((e) => e.kind), ['settings', 'check']);
});

test('migration 0006 starts the counters from each site\'s newest check', (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  // A database as version 5 left it: one site up, one down, one never checked.
  const old = new Database(file);
  for (const name of fs.readdirSync(MIGRATIONS).filter((f) => /^000[1-5]_.+\.sql$/.test(f)).sort()) {
    old.exec(fs.readFileSync(path.join(MIGRATIONS, name), 'utf8'));
  }
  old.pragma('user_version = 5');
  const addSite = old.prepare(
    `INSERT INTO sites (name, url, interval_s, timeout_ms, state, created_at, updated_at)
     VALUES (?, 'http://127.0.0.1:9/', 60, 5000, ?, 0, 0)`,
  );
  const addCheck = old.prepare(
    `INSERT INTO checks (site_id, checked_at, ok, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us)
     VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0)`,
  );
  const setLast = old.prepare(`UPDATE sites SET last_check_id = ? WHERE id = ?`);
  const up = Number(addSite.run('up', 'up').lastInsertRowid);
  const down = Number(addSite.run('down', 'down').lastInsertRowid);
  const fresh = Number(addSite.run('fresh', 'pending').lastInsertRowid);
  addCheck.run(up, 1000, 0);
  setLast.run(addCheck.run(up, 2000, 1).lastInsertRowid, up);
  setLast.run(addCheck.run(down, 3000, 0).lastInsertRowid, down);
  old.close();

  const store = openStore(file, POLICY);
  t.after(() => store.close());
  const row = (id: number) => statusRow(store, id)!;
  assert.deepEqual([row(up).last_checked_at, row(up).pass_streak, row(up).fail_streak], [2000, 1, 0]);
  assert.deepEqual([row(down).last_checked_at, row(down).pass_streak, row(down).fail_streak], [3000, 0, 1]);
  assert.deepEqual([row(fresh).last_checked_at, row(fresh).pass_streak, row(fresh).fail_streak], [null, 0, 0]);
  // And the state machine carries on from there: a late result is still refused, a new one counts.
  assert.deepEqual(store.recordChecks([newCheck(up, 1500, { ok: false })]).transitions, []);
  assert.equal(store.getSite(up)!.state, 'up');
  assert.equal(store.updateSite(down, { paused: true })!.state, 'paused');
  // Migrated sites confirm after 2 failures: one failure, resumed, is not known to be down yet.
  assert.equal(store.updateSite(down, { paused: false })!.state, 'pending');
  assert.equal(store.updateSite(fresh, { name: 'renamed' })!.state, 'pending');
});
