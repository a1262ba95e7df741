import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { openStore, type Store } from '../../../db';
import { startMonitor } from '../../../lib/monitor/monitor';
import { newSite } from '../../helpers/factories';
import { tempDir, tempStore } from '../../helpers/temp-store';
import { nextSiteState } from '../../../lib/monitor/state';

const root = path.resolve(import.meta.dirname, '../../..');

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

async function until(what: string, fn: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!fn()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

test('the checker checks a new site at once and follows edits, pauses and deletes within a second', async (t) => {
  const store = tempStore(t);
  const { base, hits } = await target(t);
  const monitor = startMonitor({ store, concurrency: 10, syncMs: 50, recorder: { flushEveryMs: 20 } });
  t.after(() => monitor.stop());

  const s = store.createSite(newSite({ url: `${base}/ok`, intervalSeconds: 1 }));
  const took = await until('the first check', () => store.getSite(s.id)!.lastCheck !== null, 1000);
  assert.ok(took < 1000);
  assert.equal(store.getSite(s.id)!.state, 'up');

  store.updateSite(s.id, { url: `${base}/fail` });
  await until('the edited URL to be checked', () => store.getSite(s.id)!.state === 'down', 1000);
  assert.equal(store.getSite(s.id)!.lastCheck!.statusCode, 503);

  store.updateSite(s.id, { paused: true });
  await new Promise((r) => setTimeout(r, 150));
  const n = store.countChecks();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(store.countChecks(), n, 'a paused site was checked');

  store.updateSite(s.id, { paused: false });
  await until('a check after resume', () => store.countChecks() > n, 1000);
  store.deleteSite(s.id);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(store.countChecks(), 0);
  assert.ok((hits.get('/ok') ?? 0) >= 1);
});

test('a check of a slow site does not hold up the others', async (t) => {
  const store = tempStore(t);
  const { base } = await target(t);
  const monitor = startMonitor({ store, concurrency: 10, syncMs: 50, recorder: { flushEveryMs: 20 } });
  t.after(() => monitor.stop());
  const slow = store.createSite(newSite({ url: `${base}/slow`, intervalSeconds: 60 }));
  const fast = store.createSite(newSite({ url: `${base}/ok`, intervalSeconds: 60 }));
  await until('the fast site', () => store.getSite(fast.id)!.lastCheck !== null, 700);
  assert.equal(store.getSite(slow.id)!.lastCheck, null, 'the slow site answered before its delay');
  await until('the slow site', () => store.getSite(slow.id)!.lastCheck !== null, 2000);
});

function spawnChecker(t: TestContext, dbPath: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/cli/monitor.ts'], {
    cwd: root,
    env: { ...process.env, UPBEAT_DB: dbPath, UPBEAT_SYNC_MS: '100' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, exited, output: () => out };
}

test('as its own process, the checker picks up sites added by another process and stops cleanly on SIGTERM', async (t) => {
  const dbPath = path.join(tempDir(t), 'upbeat.db');
  const store: Store = openStore(dbPath, { decideState: nextSiteState });
  t.after(() => store.close());
  const { base, hits } = await target(t);
  const checker = spawnChecker(t, dbPath);
  await until('the checker to start', () => checker.output().includes('checker running'), 15_000);

  const s = store.createSite(newSite({ url: `${base}/ok`, intervalSeconds: 60 }));
  const took = await until('the first check', () => store.getSite(s.id)!.lastCheck !== null, 1500);
  assert.ok(took < 1500, `took ${took} ms`);

  // A check in flight when SIGTERM arrives is finished and written before the process exits.
  const slow = store.createSite(newSite({ url: `${base}/slow`, intervalSeconds: 60 }));
  await until('the slow check to start', () => (hits.get('/slow') ?? 0) > 0, 1500);
  checker.child.kill('SIGTERM');
  const code = await checker.exited;
  assert.equal(code, 0, checker.output());
  assert.equal(store.getSite(slow.id)!.state, 'up', 'the in-flight check was not recorded');
  assert.match(checker.output(), /SIGTERM: stopping, waiting for 1 checks in flight/);
});

test('the checker refuses an unwritable database path with a clear message and exit 1', async (t) => {
  const dir = tempDir(t);
  const fs = await import('node:fs');
  fs.writeFileSync(path.join(dir, 'file'), '');
  const checker = spawnChecker(t, path.join(dir, 'file', 'upbeat.db'));
  assert.equal(await checker.exited, 1);
  assert.match(checker.output(), /upbeat: Cannot (create the folder for|open) the database/);
});
