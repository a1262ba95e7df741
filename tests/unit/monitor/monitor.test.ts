import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { type Store } from '../../../db';
import { startMonitor } from '../../../lib/monitor/monitor';
import { newSite } from '../../helpers/factories';
import { eventually } from '../../helpers/eventually';
import { spawnChecker } from '../../helpers/spawn-checker';
import { tempDir, tempStore } from '../../helpers/temp-store';
import { openAppStore } from '../../../lib/store';

/** A local target: `/ok` answers 200, `/slow` answers after 800 ms, `/fail` answers 503. Counts requests. */
async function target(t: TestContext) {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    if (req.url === '/slow') {
      setTimeout(() => res.end('slow'), 800);
    } else {
      res.statusCode = req.url === '/fail' ? 503 : 200;
      res.end('hi');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, hits };
}

test('the checker checks a new site at once and follows edits, pauses and deletes within a second', async (t) => {
  const store = tempStore(t);
  const { base, hits } = await target(t);
  const monitor = startMonitor({ store, concurrency: 10, syncMs: 50, recorder: { flushEveryMs: 20 } });
  t.after(() => monitor.stop());
  await monitor.ready();
  const hitsOf = (path: string) => hits.get(path) ?? 0;

  const s = store.createSite(newSite({ url: `${base}/ok`, intervalSeconds: 1 }));
  await eventually('the first check', () => store.getSite(s.id)!.lastCheck !== null, 1000);
  assert.equal(store.getSite(s.id)!.state, 'up');

  store.updateSite(s.id, { url: `${base}/fail` });
  await eventually('the edited URL to be checked', () => store.getSite(s.id)!.state === 'down', 1000);
  assert.equal(store.getSite(s.id)!.lastCheck!.statusCode, 503);

  // A witness on the same 1 s interval stands for the passing of time: a check of it comes a whole interval
  // after the change reached the checker (it syncs every 50 ms), and two more give the other site two chances.
  const witness = store.createSite(newSite({ url: `${base}/witness`, intervalSeconds: 1 }));
  const witnessChecks = () => hitsOf('/witness');
  const witnessed = async (more: number) => {
    const from = witnessChecks();
    await eventually(`${more} more checks of the witness`, () => witnessChecks() >= from + more, 1000 + more * 1500);
  };
  await eventually('the witness to be checked', () => witnessChecks() > 0, 1000);
  store.updateSite(s.id, { paused: true });
  await witnessed(1);
  const pausedHits = hitsOf('/fail');
  await witnessed(2);
  assert.equal(hitsOf('/fail'), pausedHits, 'a paused site was checked');

  store.updateSite(s.id, { paused: false });
  await eventually('a check after resume', () => hitsOf('/fail') > pausedHits, 1000);
  // The target stops hearing from a deleted site (that its rows are gone the cascade sees to).
  store.deleteSite(s.id);
  await witnessed(1);
  const deletedHits = hitsOf('/fail');
  await witnessed(2);
  assert.equal(hitsOf('/fail'), deletedHits, 'a deleted site was still checked');
  assert.equal(store.getSite(witness.id)!.state, 'up');
});

test('a check of a slow site does not hold up the others', async (t) => {
  const store = tempStore(t);
  const { base } = await target(t);
  const monitor = startMonitor({ store, concurrency: 10, syncMs: 50, recorder: { flushEveryMs: 20 } });
  t.after(() => monitor.stop());
  await monitor.ready();
  const slow = store.createSite(newSite({ url: `${base}/slow`, intervalSeconds: 60 }));
  const fast = store.createSite(newSite({ url: `${base}/ok`, intervalSeconds: 60 }));
  await eventually('the fast site', () => store.getSite(fast.id)!.lastCheck !== null, 700);
  assert.equal(store.getSite(slow.id)!.lastCheck, null, 'the slow site answered before its delay');
  await eventually('the slow site', () => store.getSite(slow.id)!.lastCheck !== null, 2000);
});

test('as its own process, the checker picks up sites added by another process and stops cleanly on SIGTERM', async (t) => {
  const dbPath = path.join(tempDir(t), 'upbeat.db');
  const store: Store = openAppStore(dbPath);
  t.after(() => store.close());
  const { base, hits } = await target(t);
  const checker = spawnChecker(t, dbPath);
  await checker.running();

  const s = store.createSite(newSite({ url: `${base}/ok`, intervalSeconds: 60 }));
  await eventually('the first check', () => store.getSite(s.id)!.lastCheck !== null, 1500);

  // A check in flight when SIGTERM arrives is finished and written before the process exits.
  const slow = store.createSite(newSite({ url: `${base}/slow`, intervalSeconds: 60 }));
  await eventually('the slow check to start', () => (hits.get('/slow') ?? 0) > 0, 1500);
  checker.kill('SIGTERM');
  const { code } = await checker.exited;
  assert.equal(code, 0, checker.output());
  assert.equal(store.getSite(slow.id)!.state, 'up', 'the in-flight check was not recorded');
  assert.match(checker.output(), /SIGTERM: stopping, waiting for 1 checks in flight/);
});

test('the checker refuses an unwritable database path with a clear message and exit 1', async (t) => {
  const dir = tempDir(t);
  const fs = await import('node:fs');
  fs.writeFileSync(path.join(dir, 'file'), '');
  const checker = spawnChecker(t, path.join(dir, 'file', 'upbeat.db'));
  assert.equal((await checker.exited).code, 1);
  assert.match(checker.output(), /upbeat: Cannot (create the folder for|open) the database/);
});
