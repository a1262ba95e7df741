import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { NewCheck } from '../../../db/domain';
import { CheckerThread } from '../../../lib/monitor/checker-thread';
import type { CheckerStart } from '../../../lib/monitor/checker-protocol';
import { eventually } from '../../helpers/eventually';
import { KIND_SETTING_DEFAULTS, type Site } from '../../../db/domain';

const start: CheckerStart = { concurrency: 10, addressPolicy: null, probe: {}, batchEveryMs: 10, statsEveryMs: 100 };

function site(id: number, url: string, over: Partial<Site> = {}): Site {
  return {
    id, name: `site ${id}`, url, method: 'GET', intervalSeconds: 60, timeoutMs: 2000, expectedStatus: '200-399',
    followRedirects: true, headers: {}, paused: false, confirmAfter: 2, recoverAfter: 1, retryIntervalSeconds: 10,
    degradedAboveMs: null, remindEveryMinutes: null, ...KIND_SETTING_DEFAULTS, state: 'pending', createdAt: 0,
    updatedAt: 0, checkRequestedAt: null, channels: [], ...over,
  };
}

test('the worker checks the sites it is sent, posts results and figures, and stops after its checks in flight', async (t) => {
  const server = http.createServer((req, res) => setTimeout(() => res.end('ok'), req.url === '/slow' ? 400 : 5));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const results: NewCheck[] = [];
  const thread = new CheckerThread({ start, onResults: (c) => results.push(...c), onDead: () => assert.fail('died') });
  t.after(() => thread.stop());
  thread.sync([]);
  await thread.ready;
  // Sites that arrive after the first list are new: each is checked at once.
  thread.sync([site(1, `${base}/fast`), site(2, `${base}/slow`)]);
  await eventually('the fast result', () => results.some((r) => r.siteId === 1), 3000);
  await eventually('the slow check in flight', () => thread.stats().inFlight === 1, 3000, 5);
  await thread.stop();
  assert.ok(results.some((r) => r.siteId === 2 && r.ok), 'the check in flight at stop was not posted');
  assert.equal(thread.stats().sites, 2);
  assert.equal(thread.stats().ceiling, 10);
  assert.ok(thread.loopFigures() !== null);
});

test('a worker that dies is restarted with the last sites; one that keeps dying is reported dead', async (t) => {
  const reasons: string[] = [];
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  t.after(() => (console.error = original));
  const thread = new CheckerThread({
    start,
    onResults: () => {},
    onDead: (reason) => reasons.push(reason),
    entryPath: path.join(import.meta.dirname, '..', '..', 'fixtures', 'crashing-checker.mjs'),
  });
  t.after(() => thread.stop());
  thread.sync([site(1, 'http://127.0.0.1:9/')]);
  await thread.ready;
  // Five restarts (each worker gets the last list, says ready, then crashes), then it gives up.
  await eventually('the checker reported dead', () => reasons.length > 0, 10_000);
  assert.equal(reasons.length, 1);
  assert.match(reasons[0]!, /exited \(code 1\) 6 times within a minute/);
  const restarts = errors.filter((e) => String((e as unknown[])[0]).includes('restarting it')).length;
  assert.equal(restarts, 5);
});

test('edits and removals reach the worker: a re-targeted site is checked at once, a removed one no more', async (t) => {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const thread = new CheckerThread({ start, onResults: () => {}, onDead: () => assert.fail('died') });
  t.after(() => thread.stop());
  thread.sync([]);
  await thread.ready;
  const a = site(1, `${base}/a`);
  const b = site(2, `${base}/b`);
  thread.sync([a, b]);
  await eventually('both checked', () => hits.has('/a') && hits.has('/b'), 3000);
  // The same list again sends nothing; then site 1 moves to /c and site 2 goes.
  thread.sync([a, b]);
  thread.sync([{ ...a, url: `${base}/c` }]);
  await eventually('the re-targeted site checked', () => hits.has('/c'), 3000);
  await eventually('the worker to count one site', () => thread.stats().sites === 1, 3000, 20);
  assert.equal(hits.get('/a'), 1);
  assert.equal(hits.get('/b'), 1);
});
