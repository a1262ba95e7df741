import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../../db';
import { makeBackup } from '../../../lib/backup/make-backup';
import { runCli, spawnChecker, until } from '../../helpers/backup-cli';
import { newSite } from '../../helpers/factories';
import { tempDir } from '../../helpers/temp-store';
import { nextSiteState } from '../../../lib/monitor/state';

const SITES = 1000;

/**
 * The backup of a running Upbeat: the checker, in its own process, writes the results of 1,000 sites on a local
 * target while the copy is made from another process; the copy, restored into a fresh folder, holds every site
 * and exactly the checks committed before it began — and rollups that agree with them, since each recorder
 * batch is one transaction and a backup never holds half of one.
 */
test('a backup made while the checker writes 1,000 sites restores with every site and every check up to its start', async (t) => {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const dir = tempDir(t);
  const db = path.join(dir, 'upbeat.db');
  const live = openStore(db, { decideState: nextSiteState });
  t.after(() => live.close());
  live.db.transaction(() => {
    for (let i = 0; i < SITES; i++) live.createSite(newSite({ name: `site ${i}`, url: `${base}/s/${i}`, intervalSeconds: 5, timeoutMs: 5000 }));
  })();
  const maxId = live.db.prepare<[], number | null>('SELECT max(id) FROM checks').pluck();
  const checkedSites = live.db.prepare<[], number>('SELECT count(DISTINCT site_id) FROM checks').pluck();

  const checker = spawnChecker(t, db);
  await until('every site checked once', () => checkedSites.get() === SITES, 60_000);

  const backup = path.join(tempDir(t), 'backup.db');
  let seenAtFirstStep: number | null = null;
  await makeBackup(db, backup, {
    // Small steps: the copy spans many turns of the event loop, with the checker writing throughout.
    pagesPerStep: 8,
    onProgress: () => {
      if (seenAtFirstStep !== null) return;
      // The copy's snapshot is taken; hold this first step until the checker has committed more on top of it.
      seenAtFirstStep = maxId.get() ?? 0;
      const deadline = Date.now() + 30_000;
      while ((maxId.get() ?? 0) <= seenAtFirstStep) {
        if (Date.now() > deadline) throw new Error('the checker wrote nothing during the backup');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    },
  });
  assert.notEqual(seenAtFirstStep, null, 'the copy took a single step');
  const writtenDuring = maxId.get() ?? 0;
  assert.equal(await checker.stop(), 0, checker.output());

  // Restored into a fresh folder, as on a new machine.
  const fresh = path.join(tempDir(t), 'restored', 'upbeat.db');
  const run = await runCli('restore', fresh, [backup]);
  assert.equal(run.code, 0, run.stdout + run.stderr);

  const restored = new Database(fresh, { readonly: true });
  t.after(() => restored.close());
  assert.equal(restored.pragma('integrity_check', { simple: true }), 'ok');
  live.db.exec(`ATTACH DATABASE '${fresh.replaceAll("'", "''")}' AS restored`);
  const one = <T>(sql: string) => live.db.prepare<[], T>(sql).pluck().get() as T;

  // Every site, exactly as it is live.
  assert.equal(one<number>('SELECT count(*) FROM restored.sites'), SITES);
  assert.equal(one<number>('SELECT count(*) FROM (SELECT id, name, url FROM main.sites EXCEPT SELECT id, name, url FROM restored.sites)'), 0);

  // Every check up to the backup point, unchanged; none written after the copy began.
  const upTo = one<number>('SELECT max(id) FROM restored.checks');
  assert.ok(upTo >= SITES);
  assert.ok(upTo <= seenAtFirstStep!, `the backup holds check ${upTo}, written after its first step (${seenAtFirstStep})`);
  assert.ok(writtenDuring > upTo, 'the checker wrote during the copy');
  assert.equal(
    one<number>(`SELECT count(*) FROM (SELECT * FROM main.checks WHERE id <= ${upTo} EXCEPT SELECT * FROM restored.checks)`),
    0,
    'a check before the backup point is missing or differs',
  );
  assert.equal(one<number>('SELECT count(*) FROM restored.checks'), one<number>(`SELECT count(*) FROM main.checks WHERE id <= ${upTo}`));
  assert.equal(one<number>('SELECT count(DISTINCT site_id) FROM restored.checks'), SITES);

  // Whole transactions only: the minute rollups count exactly the raw checks in the copy.
  const disagree = one<number>(`
    SELECT count(*) FROM (
      SELECT site_id, count(*) AS n FROM restored.checks GROUP BY site_id
      EXCEPT SELECT site_id, sum(checks) FROM restored.rollup_minute GROUP BY site_id)`);
  assert.equal(disagree, 0, 'rollups in the backup disagree with its raw checks');
});
