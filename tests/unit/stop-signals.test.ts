import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SAME_PRESS_MS, stopSignalHandler, type StopSignal } from '../../lib/stop-signals';

/** One Ctrl-C reaches the server twice (the terminal's process group, then npm forwarding it): one stop. */

function run(arrivals: [StopSignal, number][]) {
  const calls: string[] = [];
  let clock = 0;
  const handle = stopSignalHandler({
    stop: (s) => calls.push(`stop ${s}`),
    force: (s) => calls.push(`force ${s}`),
    now: () => clock,
  });
  for (const [signal, at] of arrivals) {
    clock = at;
    handle(signal);
  }
  return calls;
}

test('the first signal stops; the same press forwarded moments later changes nothing; a later press forces', () => {
  const table: { name: string; arrivals: [StopSignal, number][]; calls: string[] }[] = [
    { name: 'one SIGTERM', arrivals: [['SIGTERM', 0]], calls: ['stop SIGTERM'] },
    { name: 'Ctrl-C under npm: the terminal and npm', arrivals: [['SIGINT', 0], ['SIGINT', 3]], calls: ['stop SIGINT'] },
    { name: 'forwarded late on a loaded machine', arrivals: [['SIGINT', 0], ['SIGINT', SAME_PRESS_MS - 1]], calls: ['stop SIGINT'] },
    {
      name: 'a second press while the stop waits',
      arrivals: [['SIGINT', 0], ['SIGINT', 2], ['SIGINT', SAME_PRESS_MS + 400]],
      calls: ['stop SIGINT', 'force SIGINT'],
    },
    { name: 'SIGTERM, then SIGINT later', arrivals: [['SIGTERM', 0], ['SIGINT', 5_000]], calls: ['stop SIGTERM', 'force SIGINT'] },
  ];
  for (const row of table) assert.deepEqual(run(row.arrivals), row.calls, row.name);
});
