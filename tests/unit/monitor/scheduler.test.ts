import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KIND_SETTING_DEFAULTS, type Site } from '../../../db/domain';
import { Scheduler, nextSlotAtOrAfter, offsetOf, type DueCheck } from '../../../lib/monitor/scheduler';
import { FakeClock, sleepThrough } from '../../helpers/fake-clock';

function site(id: number, over: Partial<Site> = {}): Site {
  return {
    id,
    name: `site ${id}`,
    url: `http://127.0.0.1:9/${id}`,
    method: 'GET',
    intervalSeconds: 60,
    timeoutMs: 1000,
    expectedStatus: '200-399',
    followRedirects: true,
    headers: {},
    paused: false,
    confirmAfter: 2,
    recoverAfter: 1,
    retryIntervalSeconds: 10,
    degradedAboveMs: null,
    remindEveryMinutes: null,
    ...KIND_SETTING_DEFAULTS,
    state: 'pending',
    createdAt: 0,
    updatedAt: 0,
    checkRequestedAt: null,
    channels: [],
    ...over,
  };
}

interface Started {
  siteId: number;
  due: DueCheck;
}

/** A scheduler on a fake clock whose checks take `durationMs` of fake time, recording every start. */
function harness(opts: { concurrency?: number; durationMs?: (siteId: number) => number } = {}) {
  const clock = new FakeClock();
  const started: Started[] = [];
  let running = 0;
  let maxRunning = 0;
  const runningBySite = new Map<number, number>();
  let overlapSeen = false;
  const scheduler = new Scheduler({
    concurrency: opts.concurrency ?? 100,
    // Fixed: these tests pin the schedule on a fake clock; the adaptive bound runs on real time (bound.test.ts).
    adaptive: false,
    clock,
    runCheck: async (s, due) => {
      started.push({ siteId: s.id, due });
      running++;
      maxRunning = Math.max(maxRunning, running);
      const n = (runningBySite.get(s.id) ?? 0) + 1;
      if (n > 1) overlapSeen = true;
      runningBySite.set(s.id, n);
      await new Promise<void>((resolve) => clock.setTimer(resolve, opts.durationMs?.(s.id) ?? 10));
      runningBySite.set(s.id, (runningBySite.get(s.id) ?? 1) - 1);
      running--;
    },
  });
  return {
    clock,
    scheduler,
    started,
    get maxRunning() {
      return maxRunning;
    },
    get overlapSeen() {
      return overlapSeen;
    },
    startsOf: (id: number) => started.filter((s) => s.siteId === id),
    /** Stops the scheduler, letting fake time run so the checks in flight can finish. */
    async stop() {
      const stopping = scheduler.stop();
      await clock.advance(60_000);
      await stopping;
    },
  };
}

test('offsets spread 10,000 sites evenly over the interval', () => {
  const intervalMs = 30_000;
  const buckets = new Array<number>(30).fill(0); // one bucket a second
  for (let id = 1; id <= 10_000; id++) buckets[Math.floor(offsetOf(id, intervalMs) / 1000)]!++;
  const mean = 10_000 / 30;
  for (const n of buckets) {
    assert.ok(n > mean * 0.8 && n < mean * 1.2, `a one-second bucket holds ${n} sites, mean ${mean.toFixed(0)}`);
  }
});

test('a restart places every site on the same slots (the offset comes from the id)', async () => {
  const a = harness();
  const b = harness();
  const sites = Array.from({ length: 50 }, (_, i) => site(i + 1));
  for (const h of [a, b]) {
    h.scheduler.sync(sites);
    h.scheduler.start();
    await h.clock.advance(60_000);
    await h.stop();
  }
  const slots = (h: typeof a) => h.started.map((s) => `${s.siteId}@${s.due.dueAt}`).sort();
  assert.equal(a.started.length, 50);
  assert.deepEqual(slots(a), slots(b));
});

test('the first sync does not fire everything at once', async () => {
  const h = harness();
  h.scheduler.sync(Array.from({ length: 1000 }, (_, i) => site(i + 1, { intervalSeconds: 30 })));
  h.scheduler.start();
  await h.clock.advance(1000);
  assert.ok(h.started.length < 60, `${h.started.length} checks started in the first second`);
  await h.stop();
});

test('no drift: each due time is the previous plus the interval, however long checks take', async () => {
  const h = harness({ durationMs: (id) => 137 * id });
  h.scheduler.sync([site(1, { intervalSeconds: 10 }), site(2, { intervalSeconds: 7 })]);
  h.scheduler.start();
  await h.clock.advance(3600_000);
  await h.stop();
  for (const [id, interval] of [
    [1, 10_000],
    [2, 7_000],
  ] as const) {
    const dues = h.startsOf(id).map((s) => s.due.dueAt);
    assert.ok(dues.length >= 3600_000 / interval - 1, `site ${id} ran ${dues.length} checks`);
    for (let i = 1; i < dues.length; i++) assert.equal(dues[i]! - dues[i - 1]!, interval);
    assert.equal(dues[0]! % interval, offsetOf(id, interval) % interval);
  }
});

test('never two checks of one site at once: a slow check makes the next slot skip', async () => {
  const h = harness({ durationMs: () => 2500 });
  h.scheduler.sync([site(1, { intervalSeconds: 1 })]);
  h.scheduler.start();
  await h.clock.advance(20_000);
  await h.stop();
  assert.equal(h.overlapSeen, false);
  assert.ok(h.started.length >= 5 && h.started.length <= 8, `${h.started.length} checks`);
  assert.ok(h.scheduler.stats().skippedOverlap >= 10);
});

test('in flight never exceeds the concurrency bound, and the bound is used', async () => {
  const concurrency = 10;
  const h = harness({ concurrency, durationMs: () => 500 });
  h.scheduler.sync(Array.from({ length: 500 }, (_, i) => site(i + 1, { intervalSeconds: 5 })));
  h.scheduler.start();
  let maxStat = 0;
  for (let i = 0; i < 200; i++) {
    await h.clock.advance(50);
    const stats = h.scheduler.stats();
    assert.ok(stats.inFlight <= concurrency, `inFlight ${stats.inFlight}`);
    maxStat = Math.max(maxStat, stats.inFlight);
  }
  await h.stop();
  assert.equal(h.maxRunning, concurrency);
  assert.equal(maxStat, concurrency);
  // 500 sites / 5 s = 100 due a second; 10 slots x 2 checks a second = 20 a second: the rest queue and lag.
  assert.ok(h.scheduler.stats().lagMaxMs > 1000);
});

test('lag is the time a check waited past its slot', async () => {
  const h = harness({ concurrency: 1, durationMs: () => 400 });
  // Two sites whose slots fall within a few ms: the second waits for the first.
  const interval = 60_000;
  const ids: number[] = [];
  for (let id = 1; ids.length < 2 && id < 100_000; id++) {
    if (Math.abs(offsetOf(id, interval) - 30_000) < 5) ids.push(id);
  }
  assert.equal(ids.length, 2);
  h.scheduler.sync(ids.map((id) => site(id)));
  h.scheduler.start();
  await h.clock.advance(interval);
  await h.stop();
  const lags = h.started.map((s) => s.due.lagMs).sort((a, b) => a - b);
  assert.equal(lags[0], 0);
  assert.ok(lags[1]! >= 395 && lags[1]! <= 405, `second lag ${lags[1]}`);
});

test('a new site is checked at once; a paused one stops; resuming checks at once; deleting stops', async () => {
  const h = harness();
  h.scheduler.sync([site(1)]);
  h.scheduler.start();
  await h.clock.advance(5);
  h.scheduler.sync([site(1), site(2)]);
  await h.clock.advance(5);
  assert.equal(h.startsOf(2).length, 1, 'new site checked at once');
  assert.equal(h.startsOf(2)[0]!.due.lagMs, 0);

  h.scheduler.sync([site(1), site(2, { paused: true })]);
  await h.clock.advance(300_000);
  assert.equal(h.startsOf(2).length, 1, 'paused site not checked');

  h.scheduler.sync([site(1), site(2)]);
  await h.clock.advance(5);
  assert.equal(h.startsOf(2).length, 2, 'resumed site checked at once');

  h.scheduler.sync([site(2)]);
  const before = h.startsOf(1).length;
  await h.clock.advance(300_000);
  assert.equal(h.startsOf(1).length, before, 'deleted site not checked');
  assert.ok(h.startsOf(2).length >= 6);
  await h.stop();
});

test('an interval edit moves the site to the new grid; a URL edit checks at once', async () => {
  const h = harness();
  h.scheduler.sync([site(1, { intervalSeconds: 60 })]);
  h.scheduler.start();
  await h.clock.advance(120_000);
  const n = h.startsOf(1).length;
  h.scheduler.sync([site(1, { intervalSeconds: 5 })]);
  await h.clock.advance(60_000);
  const after = h.startsOf(1).slice(n);
  assert.ok(after.length >= 11 && after.length <= 13, `${after.length} checks at 5 s over a minute`);
  for (let i = 1; i < after.length; i++) assert.equal(after[i]!.due.dueAt - after[i - 1]!.due.dueAt, 5000);

  const m = h.startsOf(1).length;
  h.scheduler.sync([site(1, { intervalSeconds: 5, url: 'http://127.0.0.1:9/new' })]);
  await h.clock.advance(1);
  assert.equal(h.startsOf(1).length, m + 1);
  assert.equal(h.started.at(-1)!.due.lagMs, 0);
  await h.stop();
});

test('a "check now" request runs one extra check without moving the grid', async () => {
  const h = harness();
  h.scheduler.sync([site(1, { intervalSeconds: 60 })]);
  h.scheduler.start();
  await h.clock.advance(90_000);
  const slot = nextSlotAtOrAfter(1, 60_000, h.clock.now());
  h.scheduler.sync([site(1, { intervalSeconds: 60, checkRequestedAt: h.clock.now() })]);
  await h.clock.advance(1);
  const last = h.started.at(-1)!;
  assert.equal(last.due.dueAt, h.clock.now() - 1);
  await h.clock.advance(slot - h.clock.now());
  assert.equal(h.started.at(-1)!.due.dueAt, slot);
  await h.stop();
});

test('missed rounds after a sleep are folded into one check, not a burst', async () => {
  const h = harness();
  h.scheduler.sync([site(1, { intervalSeconds: 10 }), site(2, { intervalSeconds: 10 })]);
  h.scheduler.start();
  await h.clock.advance(30_000);
  const before = h.started.length;
  await sleepThrough(h.clock, 3600_000); // an hour asleep: 360 missed slots per site
  const burst = h.started.length - before;
  assert.equal(burst, 2, `${burst} checks right after waking`);
  assert.ok(h.scheduler.stats().coalesced >= 700);
  const woke = h.started.slice(before);
  for (const s of woke) assert.ok(s.due.lagMs < 10_000, `lag ${s.due.lagMs} is within one interval`);
  await h.clock.advance(20_000);
  assert.ok(h.started.length - before <= 6);
  await h.stop();
});

test('stop waits for checks in flight and starts no more', async () => {
  const h = harness({ durationMs: () => 1000 });
  h.scheduler.sync([site(1, { intervalSeconds: 1 })]);
  h.scheduler.start();
  await h.clock.advance(1500);
  assert.equal(h.scheduler.stats().inFlight, 1);
  let stopped = false;
  const stopping = h.scheduler.stop().then(() => (stopped = true));
  await h.clock.advance(10);
  assert.equal(stopped, false, 'stop resolved while a check was still running');
  await h.clock.advance(1000);
  await stopping;
  const n = h.started.length;
  await h.clock.advance(10_000);
  assert.equal(h.started.length, n);
});
