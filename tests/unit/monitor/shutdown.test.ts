import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestContext } from 'node:test';
import { openStore, type Store } from '../../../db';
import { SAME_PRESS_MS } from '../../../lib/stop-signals';
import { newSite } from '../../helpers/factories';
import { eventually } from '../../helpers/eventually';
import { spawnChecker } from '../../helpers/spawn-checker';
import { tempDir } from '../../helpers/temp-store';
import { startNeverAnswers } from '../../fixtures/hostile';
import { nextSiteState } from '../../../lib/monitor/state';

/**
 * The checker as its own process (`npm run monitor`) ends cleanly: on SIGTERM it stops starting checks, waits
 * for those in flight — each bounded by its own timeout, so never longer than the longest timeout — writes what
 * they found, and exits 0. It refuses a database it cannot use with a clear message and exit 1.
 */

/** What a loaded two-core machine may add to a deadline (a late timer, the final write, process exit). */
const SLACK_MS = 500;

function tempDatabase(t: TestContext): { dbPath: string; store: Store } {
  const dbPath = path.join(tempDir(t), 'upbeat.db');
  const store = openStore(dbPath, { decideState: nextSiteState });
  t.after(() => store.close());
  return { dbPath, store };
}

test('SIGTERM with a check hanging (timeout 2 s): exit 0 within the timeout, the check recorded as a timeout', async (t) => {
  const { dbPath, store } = tempDatabase(t);
  const hanging = await startNeverAnswers(t);
  const checker = spawnChecker(t, dbPath);
  await checker.running();
  // Added while it runs, so it is checked at once (a site present at start waits for its slot).
  const site = store.createSite(newSite({ url: `${hanging.url}/`, timeoutMs: 2000, intervalSeconds: 300 }));
  await eventually('the check to reach the hanging site', () => hanging.accepted > 0, 3000);

  const sentAt = performance.now();
  checker.kill('SIGTERM');
  const { code, at } = await checker.exited;
  const tookMs = at - sentAt;
  t.diagnostic(`exited ${Math.round(tookMs)} ms after SIGTERM`);
  assert.equal(code, 0, checker.output());
  assert.ok(tookMs <= 2000 + SLACK_MS, `took ${Math.round(tookMs)} ms after SIGTERM (timeout 2000 ms)`);
  assert.match(checker.output(), /SIGTERM: stopping, waiting for 1 checks in flight/);

  const [check] = store.listChecks(site.id, { limit: 10 });
  assert.equal(check?.ok, false);
  assert.equal(check?.error?.kind, 'timeout');
  assert.equal(store.getSite(site.id)?.state, 'down');
  assert.notEqual(store.readSelfReport()?.stoppedAt ?? null, null, 'the last self-report says it stopped');
  await hanging.allClosed(1000);
});

test('SIGTERM with nothing in flight: exit 0 at once', async (t) => {
  const { dbPath, store } = tempDatabase(t);
  const checker = spawnChecker(t, dbPath);
  await checker.running();
  const sentAt = performance.now();
  checker.kill('SIGTERM');
  const { code, at } = await checker.exited;
  assert.equal(code, 0, checker.output());
  assert.ok(at - sentAt < 1000, `took ${Math.round(at - sentAt)} ms`);
  assert.notEqual(store.readSelfReport()?.stoppedAt ?? null, null);
});

test('a second SIGTERM a second after the first, checks still in flight, exits at once with 1', async (t) => {
  const { dbPath, store } = tempDatabase(t);
  const hanging = await startNeverAnswers(t);
  const checker = spawnChecker(t, dbPath);
  await checker.running();
  store.createSite(newSite({ url: `${hanging.url}/`, timeoutMs: 10_000, intervalSeconds: 300 }));
  await eventually('the check to reach the hanging site', () => hanging.accepted > 0, 3000);
  checker.kill('SIGTERM');
  await eventually('the first signal to be taken', () => checker.output().includes('SIGTERM: stopping'), 2000);
  // At once it is the same stop (one Ctrl-C reaches the process twice: lib/stop-signals.ts); later it forces.
  let hasExited = false;
  void checker.exited.then(() => (hasExited = true));
  checker.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, SAME_PRESS_MS));
  assert.equal(hasExited, false, `the signal sent with the first forced the exit:\n${checker.output()}`);
  const sentAt = performance.now();
  checker.kill('SIGTERM');
  const { code, at } = await checker.exited;
  assert.equal(code, 1, checker.output());
  assert.ok(at - sentAt < 1000, `took ${Math.round(at - sentAt)} ms`);
  assert.match(checker.output(), /SIGTERM again: exiting without waiting/);
});

test('a database path under a regular file: a clear message and exit 1', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'file'), '');
  const checker = spawnChecker(t, path.join(dir, 'file', 'upbeat.db'));
  const { code } = await checker.exited;
  assert.equal(code, 1, checker.output());
  assert.match(checker.output(), /^upbeat: Cannot (create the folder for|open) the database .*file\/upbeat\.db/m);
  assert.doesNotMatch(checker.output(), /\n\s+at /, 'no stack trace');
});

test('a database file that is not SQLite: a clear message and exit 1', async (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  fs.writeFileSync(file, 'this is not a database, it is a text file that happens to be here\n'.repeat(100));
  const checker = spawnChecker(t, file);
  const { code } = await checker.exited;
  assert.equal(code, 1, checker.output());
  assert.match(checker.output(), /^upbeat: Cannot open the database .*upbeat\.db: file is not a database/m);
});
