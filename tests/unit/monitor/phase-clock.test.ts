import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockNowUs, PhaseClock } from '../../../lib/monitor/connector';

/** Busy for `ms` on the clock's own time base: the span is exact whatever else the machine does. */
function spin(ms: number): void {
  const until = clockNowUs() + ms * 1000;
  while (clockNowUs() < until) {
    // spinning
  }
}

test('phases tile the run: each enter ends the last phase where the next begins, and they add up to the total', () => {
  const clock = new PhaseClock();
  clock.enter('connect');
  spin(5);
  clock.enter('ttfb');
  spin(5);
  clock.enter('transfer');
  const t = clock.stop();
  assert.ok(t.connect >= 5 && t.ttfb >= 5, JSON.stringify(t));
  assert.ok(Math.abs(t.total - (t.dns + t.connect + t.tls + t.ttfb + t.transfer)) < 1e-9, JSON.stringify(t));
});

test('time on hold is not counted, and the held phase is still the one a failure is blamed on', () => {
  const clock = new PhaseClock();
  clock.enter('connect');
  spin(5);
  clock.hold();
  clock.enter('ttfb');
  clock.hold();
  assert.equal(clock.phase, 'ttfb');
  spin(200);
  clock.resume();
  spin(5);
  const t = clock.stop();
  // 10 ms counted of about 210 spent: the 200 ms of the probe's own work are out, whatever the machine's load.
  assert.ok(t.total >= 10 && t.total < 200, `total ${t.total}`);
  assert.ok(t.ttfb >= 5 && t.ttfb < 200, `ttfb ${t.ttfb}`);
});

test('a phase ends at the instant of its event, not when it was handled', () => {
  const clock = new PhaseClock();
  clock.enter('ttfb');
  spin(5);
  const arrived = clockNowUs();
  spin(100);
  clock.enter('transfer', arrived);
  spin(5);
  const ended = clockNowUs();
  spin(100);
  const t = clock.stop(ended);
  assert.ok(t.ttfb >= 5 && t.ttfb < 100, `ttfb ${t.ttfb}`);
  // The handling time between the arrival and the callback counts towards the next phase: the bytes were there.
  assert.ok(t.transfer >= 105 && t.transfer < 200, `transfer ${t.transfer}`);
  assert.ok(t.total < 200, `total ${t.total}`);
});

test('an instant from before the phase began cannot make a phase negative', () => {
  const clock = new PhaseClock();
  const before = clockNowUs();
  spin(2);
  clock.enter('connect');
  spin(2);
  clock.hold();
  clock.enter('ttfb');
  const t = clock.stop(before);
  assert.ok(t.ttfb >= 0 && t.connect >= 2, JSON.stringify(t));
});
