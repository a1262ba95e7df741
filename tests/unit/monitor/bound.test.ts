import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_SETTING_DEFAULTS, type Site } from '../../../db/domain';
import { initialBound, nextBound, type BoundInput, type BoundMove } from '../../../lib/monitor/bound';
import { Scheduler } from '../../../lib/monitor/scheduler';

const limits = { ceiling: 2000, floor: 64 };

const cases: { name: string; input: BoundInput; limits?: { ceiling: number; floor: number }; bound: number; move: BoundMove }[] = [
  { name: 'checks wait, loop idle: grows by at least half', input: { bound: 64, inFlight: 64, queued: 10, lagP99Ms: 300, loopP99Ms: 1 }, bound: 96, move: 'grow' },
  { name: 'many wait, loop idle: grows to take them all at once', input: { bound: 64, inFlight: 64, queued: 500, lagP99Ms: 900, loopP99Ms: 2 }, bound: 564, move: 'grow' },
  { name: 'growth stops at the ceiling', input: { bound: 1800, inFlight: 1800, queued: 5000, lagP99Ms: 900, loopP99Ms: 2 }, bound: 2000, move: 'grow' },
  { name: 'at the ceiling, checks wait: holds', input: { bound: 2000, inFlight: 2000, queued: 5000, lagP99Ms: 900, loopP99Ms: 2 }, bound: 2000, move: 'hold' },
  { name: 'checks wait, loop a little late (30 ms): still grows', input: { bound: 300, inFlight: 300, queued: 50, lagP99Ms: 40, loopP99Ms: 30 }, bound: 450, move: 'grow' },
  { name: 'checks wait but the loop has no headroom: holds', input: { bound: 300, inFlight: 300, queued: 50, lagP99Ms: 40, loopP99Ms: 70 }, bound: 300, move: 'hold' },
  { name: 'loop busy and checks late: shrinks by a quarter', input: { bound: 1000, inFlight: 1000, queued: 50, lagP99Ms: 400, loopP99Ms: 120 }, bound: 750, move: 'shrink' },
  { name: 'loop busy but checks on time: holds', input: { bound: 1000, inFlight: 900, queued: 0, lagP99Ms: 20, loopP99Ms: 80 }, bound: 1000, move: 'hold' },
  { name: 'shrinking stops at the floor', input: { bound: 70, inFlight: 70, queued: 0, lagP99Ms: 400, loopP99Ms: 200 }, bound: 64, move: 'shrink' },
  { name: 'at the floor, loop busy: holds', input: { bound: 64, inFlight: 64, queued: 0, lagP99Ms: 400, loopP99Ms: 200 }, bound: 64, move: 'hold' },
  { name: 'nothing waits, loop idle: holds', input: { bound: 500, inFlight: 3, queued: 0, lagP99Ms: 0, loopP99Ms: 0 }, bound: 500, move: 'hold' },
  { name: 'a ceiling below the floor is the bound', input: { bound: 5, inFlight: 5, queued: 100, lagP99Ms: 900, loopP99Ms: 0 }, limits: { ceiling: 5, floor: 64 }, bound: 5, move: 'hold' },
  { name: 'a bound above a lowered ceiling comes down to it', input: { bound: 900, inFlight: 10, queued: 0, lagP99Ms: 0, loopP99Ms: 0 }, limits: { ceiling: 100, floor: 64 }, bound: 100, move: 'hold' },
];

for (const c of cases) {
  test(`bound: ${c.name}`, () => {
    assert.deepEqual(nextBound(c.input, c.limits ?? limits), { bound: c.bound, move: c.move });
  });
}

test('bound: starts at the floor, within the ceiling', () => {
  assert.equal(initialBound({ ceiling: 2000, floor: 64 }), 64);
  assert.equal(initialBound({ ceiling: 10, floor: 64 }), 10);
});

test('bound: never leaves [min(floor, ceiling), ceiling] whatever the figures', () => {
  for (let i = 0; i < 5000; i++) {
    const ceiling = 1 + Math.floor(Math.random() * 3000);
    const floor = 1 + Math.floor(Math.random() * 100);
    const input: BoundInput = {
      bound: Math.floor(Math.random() * 4000),
      inFlight: Math.floor(Math.random() * 4000),
      queued: Math.floor(Math.random() * 10_000),
      lagP99Ms: Math.random() * 2000,
      loopP99Ms: Math.random() * 200,
    };
    const { bound } = nextBound(input, { ceiling, floor });
    assert.ok(bound <= ceiling && bound >= Math.min(floor, ceiling) && Number.isInteger(bound), JSON.stringify({ input, ceiling, floor, bound }));
  }
});

function site(id: number): Site {
  return {
    id, name: `site ${id}`, url: `http://127.0.0.1:9/${id}`, method: 'GET', intervalSeconds: 1, timeoutMs: 1000,
    expectedStatus: '200-399', followRedirects: true, headers: {}, paused: false, confirmAfter: 2, recoverAfter: 1,
    retryIntervalSeconds: 10, degradedAboveMs: null, remindEveryMinutes: null, ...KIND_SETTING_DEFAULTS,
    state: 'pending', createdAt: 0, updatedAt: 0, checkRequestedAt: null, channels: [],
  };
}

test('scheduler: hanging checks do not starve the rest — the bound grows past its floor, never past the ceiling', async () => {
  let running = 0;
  let maxRunning = 0;
  const releases: (() => void)[] = [];
  const scheduler = new Scheduler({
    concurrency: 150,
    floor: 8,
    runCheck: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      // Every check hangs until the test ends: with a fixed bound of 8, only 8 would ever start.
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
    },
  });
  scheduler.sync(Array.from({ length: 200 }, (_, i) => site(i + 1)));
  scheduler.start();
  assert.equal(scheduler.stats().bound, 8);
  const deadline = Date.now() + 4000;
  while (Date.now() < deadline && maxRunning < 150) await new Promise((r) => setTimeout(r, 50));
  const stats = scheduler.stats();
  const stopped = scheduler.stop();
  for (const release of releases) release();
  await stopped;
  assert.equal(maxRunning, 150, `at most the ceiling, and all of it: ${maxRunning}`);
  assert.equal(stats.bound, 150);
  assert.equal(stats.ceiling, 150);
});
