import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERT_SETTING_DEFAULTS, KIND_SETTING_DEFAULTS, type Site, type SiteState, type SiteStatus, type StateSettings, type Transition } from '../../../db/domain';
import { nextSiteState, p95 } from '../../../lib/monitor/state';
import { Scheduler, nextSlotAtOrAfter } from '../../../lib/monitor/scheduler';
import { FakeClock } from '../../helpers/fake-clock';

const T = 1_700_000_000_000;
const DEFAULTS: StateSettings = {
  paused: false,
  confirmAfter: ALERT_SETTING_DEFAULTS.confirmAfter,
  recoverAfter: ALERT_SETTING_DEFAULTS.recoverAfter,
  degradedAboveMs: null,
};

const fresh = (): SiteStatus => ({
  siteId: 1,
  state: 'pending',
  lastCheckId: null,
  lastCheckedAt: null,
  failStreak: 0,
  passStreak: 0,
  failSince: null,
  failCheckId: null,
  latencies: [],
});

/** A check: 'p' passes (fast), 'f' fails, a number passes with that latency. */
type Step = 'p' | 'f' | number;

/** Runs a sequence of checks one minute apart; returns the state after each and every transition. */
function run(steps: readonly Step[], settings: Partial<StateSettings> = {}, start = fresh()) {
  let status = start;
  const states: SiteState[] = [];
  const transitions: Transition[] = [];
  steps.forEach((step, i) => {
    const ok = step !== 'f';
    const latencyMs = typeof step === 'number' ? step : ok ? 40 : 10_000;
    const event = { kind: 'check' as const, checkId: 100 + i, checkedAt: T + i * 60_000, ok, latencyMs };
    const d = nextSiteState(status, event, { ...DEFAULTS, ...settings });
    status = d.status;
    states.push(status.state);
    if (d.transition) transitions.push(d.transition);
  });
  return { states, transitions, status };
}

const ROWS: { name: string; steps: Step[]; settings?: Partial<StateSettings>; states: SiteState[] }[] = [
  { name: 'one failure of an up site changes nothing', steps: ['p', 'f', 'p'], states: ['up', 'up', 'up'] },
  { name: 'two failures in a row confirm down', steps: ['p', 'f', 'f', 'f'], states: ['up', 'up', 'down', 'down'] },
  { name: 'a new site failing is pending until confirmed', steps: ['f', 'f'], states: ['pending', 'down'] },
  { name: 'flapping never confirms with confirmAfter 2', steps: ['p', 'f', 'p', 'f', 'p', 'f', 'p', 'f'], states: ['up', 'up', 'up', 'up', 'up', 'up', 'up', 'up'] },
  { name: 'confirmAfter 3 needs three', steps: ['p', 'f', 'f', 'f'], settings: { confirmAfter: 3 }, states: ['up', 'up', 'up', 'down'] },
  { name: 'confirmAfter 1 is the old rule', steps: ['p', 'f', 'p'], settings: { confirmAfter: 1 }, states: ['up', 'down', 'up'] },
  { name: 'recoverAfter 2: one pass keeps it down', steps: ['f', 'f', 'p', 'f', 'p', 'p'], settings: { recoverAfter: 2 }, states: ['pending', 'down', 'down', 'down', 'down', 'up'] },
  { name: 'recoverAfter 1: one pass brings it up', steps: ['f', 'f', 'p'], states: ['pending', 'down', 'up'] },
  { name: 'one slow check is not degraded', steps: [40, 40, 40, 40, 900, 40], settings: { degradedAboveMs: 500 }, states: ['up', 'up', 'up', 'up', 'up', 'up'] },
  { name: 'two slow of the last five: degraded, then back', steps: [40, 40, 40, 900, 900, 40, 40, 40, 40], settings: { degradedAboveMs: 500 }, states: ['up', 'up', 'up', 'up', 'degraded', 'degraded', 'degraded', 'degraded', 'up'] },
  { name: 'fewer than five samples never decide degraded', steps: [900, 900, 900, 900], settings: { degradedAboveMs: 500 }, states: ['up', 'up', 'up', 'up'] },
  { name: 'degraded and then down, back to degraded while still slow', steps: [900, 900, 900, 900, 900, 'f', 'f', 900], settings: { degradedAboveMs: 500 }, states: ['up', 'up', 'up', 'up', 'degraded', 'degraded', 'down', 'degraded'] },
  { name: 'no threshold: never degraded', steps: [900, 900, 900, 900, 900], states: ['up', 'up', 'up', 'up', 'up'] },
];

for (const row of ROWS) {
  test(`confirmation: ${row.name}`, () => {
    assert.deepEqual(run(row.steps, row.settings).states, row.states);
  });
}

test('a confirmed outage starts at its first failing check, not at the confirmation', () => {
  const { transitions } = run(['p', 'f', 'f', 'f']);
  assert.deepEqual(transitions.map((t) => t.to), ['up', 'down']);
  const down = transitions[1]!;
  assert.deepEqual([down.from, down.to, down.at, down.checkId], ['up', 'down', T + 2 * 60_000, 102]);
  assert.equal(down.since, T + 60_000);
  assert.equal(down.sinceCheckId, 101);
});

test('a pass short of recoverAfter keeps the outage start; a recovered site forgets it', () => {
  const mid = run(['f', 'f', 'p', 'f', 'f'], { recoverAfter: 2 });
  assert.equal(mid.status.failSince, T, 'still the first failure of the outage');
  const after = run(['f', 'f', 'p'], {});
  assert.equal(after.status.failSince, null);
  const again = run(['f', 'f', 'p', 'f', 'f'], {});
  assert.equal(again.transitions.at(-1)!.since, T + 3 * 60_000, 'a new outage starts at its own first failure');
});

test('degraded transitions carry the p95, the threshold and the sample count', () => {
  const { transitions } = run([40, 40, 40, 900, 800, 40, 40, 40, 40], { degradedAboveMs: 500 });
  assert.deepEqual(
    transitions.filter((t) => t.to === 'degraded' || t.from === 'degraded').map((t) => [t.to, t.latency]),
    [
      ['degraded', { p95Ms: 800, thresholdMs: 500, samples: 5 }],
      ['up', { p95Ms: 40, thresholdMs: 500, samples: 5 }],
    ],
  );
});

test('p95 takes the lower nearest rank', () => {
  assert.equal(p95([10, 20, 30, 40, 1000]), 40);
  assert.equal(p95([10, 20, 30, 900, 1000]), 900);
  assert.equal(p95([]), 0);
});

function site(over: Partial<Site> = {}): Site {
  return {
    id: 3,
    name: 'five minutes',
    url: 'http://127.0.0.1:9/',
    method: 'GET',
    intervalSeconds: 300,
    timeoutMs: 1000,
    expectedStatus: '200-399',
    followRedirects: true,
    headers: {},
    paused: false,
    ...ALERT_SETTING_DEFAULTS,
    ...KIND_SETTING_DEFAULTS,
    state: 'up',
    createdAt: 0,
    updatedAt: 0,
    checkRequestedAt: null,
    channels: [],
    ...over,
  };
}

/** A scheduler on a fake clock whose checks take 1 s and pass or fail as `outcome` says at that moment. */
function harness(s: Site, outcome: (n: number) => boolean) {
  const clock = new FakeClock(T);
  const starts: number[] = [];
  const scheduler = new Scheduler({
    concurrency: 10,
    clock,
    runCheck: async () => {
      const n = starts.length;
      starts.push(clock.now());
      await new Promise<void>((resolve) => clock.setTimer(resolve, 1000));
      return outcome(n);
    },
  });
  scheduler.sync([s]);
  scheduler.start();
  return { clock, scheduler, starts };
}

test('a first failure is re-checked after the retry interval, so a 5-minute site is confirmed within ~20 s', async () => {
  const h = harness(site(), (n) => n === 0); // the first check passes, every later one fails
  const slot = nextSlotAtOrAfter(3, 300_000, T);
  await h.clock.advance(slot - T + 2_000); // the first regular slot
  assert.equal(h.starts.length, 1);
  await h.clock.advance(300_000); // the second slot: fails, so a retry follows 10 s after it ends
  assert.equal(h.starts.length, 2);
  const failedAt = h.starts[1]!;
  await h.clock.advance(20_000);
  assert.equal(h.starts.length, 3, 'one retry');
  assert.equal(h.starts[2]! - failedAt, 11_000, 'the check took 1 s, then 10 s of retry interval');
  await h.clock.advance(60_000);
  assert.equal(h.starts.length, 3, 'confirmed (2 failures): no more retries, back on the grid');
  await h.clock.advance(300_000);
  assert.equal(h.starts.length, 4);
  assert.equal((h.starts[3]! - h.starts[1]!) % 300_000, 0, 'the regular grid did not drift');
  assert.equal(h.scheduler.stats().retries, 1);
  await h.scheduler.stop();
});

test('the retry interval is never longer than the interval, and a pass stops the retries', async () => {
  const h = harness(site({ intervalSeconds: 5, retryIntervalSeconds: 60, confirmAfter: 3 }), (n) => n % 2 === 0);
  await h.clock.advance(60_000);
  // Every other check fails; each failure's retry is due after min(60, 5) s, the same as the next slot.
  for (let i = 1; i < h.starts.length; i++) assert.ok(h.starts[i]! - h.starts[i - 1]! <= 5_000);
  await h.scheduler.stop();
});
