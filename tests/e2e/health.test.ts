import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../db';
import type { HealthReport } from '../../lib/health';
import { startHttpTarget } from '../fixtures/targets';
import { startApp, type RunningApp } from '../helpers/app-server';
import { nextSiteState } from '../../lib/monitor/state';
import { eventually } from '../helpers/eventually';
import { spawnChecker } from '../helpers/spawn-checker';

/**
 * GET /api/health through a running `next start`. The web process reads the checker's self-report from the
 * database whether the checker runs inside it or as its own process.
 */

/** Started with it and sent on every request, so these tests hold whether or not the API asks for credentials. */
const TOKEN = 'upbeat-reliability-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

async function health(app: RunningApp) {
  const res = await fetch(`${app.baseUrl}/api/health`, { headers: auth });
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return { status: res.status, body: (await res.json()) as HealthReport };
}

function assertIsoTime(value: unknown, name: string) {
  assert.equal(typeof value, 'string', `${name} is a string`);
  assert.ok(!Number.isNaN(Date.parse(value as string)), `${name} is a time`);
}

test('with the checker inside the web server: ok, with every figure present', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_API_TOKEN: TOKEN } });
  const site = await startHttpTarget(t, (_req, res) => res.end('ok'));
  const created = await fetch(`${app.baseUrl}/api/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ url: `${site.url}/`, intervalSeconds: 60 }),
  });
  assert.equal(created.status, 201);

  // The self-report comes every 2 s; wait for one that has seen the first batch written.
  const { status, body } = await eventually(
    'a self-report with a recorder batch',
    async () => {
      const h = await health(app);
      return h.body.recorder?.lastBatch ? h : undefined;
    },
    10_000,
    100,
  );
  assert.equal(status, 200);
  assert.equal(body.status, 'ok', JSON.stringify(body.reasons));
  assert.deepEqual(body.reasons, []);
  assertIsoTime(body.at, 'at');

  assert.equal(body.checker.expected, 'in-process');
  assert.equal(typeof body.checker.pid, 'number');
  assertIsoTime(body.checker.startedAt, 'checker.startedAt');
  assertIsoTime(body.checker.reportedAt, 'checker.reportedAt');
  const age = body.checker.reportAgeMs;
  assert.ok(age !== null && age >= 0 && age < 15_000, `self-report age ${age}`);
  assert.equal(body.checker.stoppedAt, null);

  const { scheduler, recorder, eventLoop, process: proc } = body;
  assert.ok(scheduler && recorder && eventLoop && proc, 'every figure is present');
  for (const key of ['sites', 'inFlight', 'queued', 'lagP50Ms', 'lagP99Ms', 'lagMaxMs'] as const) {
    assert.equal(typeof scheduler[key], 'number', `scheduler.${key}`);
  }
  assert.equal(scheduler.sites, 1);
  assert.ok(scheduler.lagP99Ms < 1000);

  assert.ok(recorder.lastBatch);
  assertIsoTime(recorder.lastBatch.at, 'recorder.lastBatch.at');
  assert.ok(recorder.lastBatch.size >= 1);
  assert.equal(typeof recorder.lastBatch.writeMs, 'number');
  assert.equal(typeof recorder.writeP99Ms, 'number');
  assert.equal(typeof recorder.delayP99Ms, 'number');

  for (const key of ['lagP50Ms', 'lagP99Ms', 'lagMaxMs'] as const) assert.equal(typeof eventLoop[key], 'number');
  assert.ok(proc.rssBytes > 0);
  assert.ok(proc.heapUsedBytes > 0);
  assert.equal(typeof proc.activeResources, 'object');
  assert.ok(body.database.fileBytes > 0);
  assert.equal(body.database.totalBytes, body.database.fileBytes + body.database.walBytes);
});

test('with UPBEAT_MONITOR=off and no checker process: off, without figures', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off', UPBEAT_API_TOKEN: TOKEN } });
  const { status, body } = await health(app);
  assert.equal(status, 200);
  assert.equal(body.status, 'off');
  assert.match(body.reasons[0] ?? '', /UPBEAT_MONITOR=off/);
  assert.equal(body.checker.expected, 'own-process');
  assert.equal(body.checker.pid, null);
  assert.equal(body.scheduler, null);
  assert.ok(body.database.fileBytes > 0);
});

test('with the checker as its own process: ok with its pid; off once it stops cleanly', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off', UPBEAT_API_TOKEN: TOKEN } });
  const checker = spawnChecker(t, app.dbPath);
  const running = await eventually(
    'the checker process to report',
    async () => {
      const h = await health(app);
      return h.body.status === 'ok' ? h : undefined;
    },
    20_000,
    100,
  );
  assert.equal(running.body.checker.pid, checker.pid);
  assert.equal(running.body.checker.expected, 'own-process');
  assert.equal(typeof running.body.scheduler?.lagP99Ms, 'number');

  checker.kill('SIGTERM');
  assert.equal((await checker.exited).code, 0, checker.output());
  const stopped = await health(app);
  assert.equal(stopped.status, 200);
  assert.equal(stopped.body.status, 'off');
  assertIsoTime(stopped.body.checker.stoppedAt, 'checker.stoppedAt');
});

test('a self-report that stopped without a goodbye (a checker killed or frozen) reads stalled, with 503', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off', UPBEAT_API_TOKEN: TOKEN } });
  // What a SIGKILLed checker leaves behind: its last report, aging. Written here rather than waited for (15 s).
  const store = openStore(app.dbPath, { decideState: nextSiteState });
  t.after(() => store.close());
  const reportedAt = Date.now() - 60_000;
  store.writeSelfReport({ pid: 999_999, startedAt: reportedAt - 3_600_000, reportedAt, stoppedAt: null, stats: null });
  const { status, body } = await health(app);
  assert.equal(status, 503);
  assert.equal(body.status, 'stalled');
  assert.match(body.reasons[0] ?? '', /no self-report from the checker \(pid 999999\) for 6\d s/);
  assert.equal(body.checker.pid, 999_999);
});
