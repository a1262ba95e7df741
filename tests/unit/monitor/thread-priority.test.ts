import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { osThreadId, yieldToCheckerThread } from '../../../lib/monitor/thread-priority';

/** The nice value of one thread of this process, read from the kernel. */
function niceOf(tid: number): number {
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  // Field 19 (nice); fields after the command name, which may itself hold spaces, start at field 3.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const linux = process.platform === 'linux';

test('every thread of the process is lowered but the checker’s', { skip: !linux }, async (t) => {
  // A thread standing for the checker: it tells its id, as the checker does in its `ready` message.
  const checker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.postMessage(Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()));
     setInterval(() => {}, 1000);`,
    { eval: true },
  );
  t.after(() => checker.terminate());
  const checkerTid = await new Promise<number>((resolve, reject) => {
    checker.once('message', resolve);
    checker.once('error', reject);
  });
  const checkerBefore = niceOf(checkerTid);
  const outcome = await yieldToCheckerThread(Math.max(7, checkerBefore + 1), checkerTid);
  assert.equal(outcome.applied, true, outcome.reason);
  const target = Math.max(7, checkerBefore + 1);
  assert.equal(niceOf(process.pid), target, 'this (main) thread is lowered');
  for (const entry of fs.readdirSync('/proc/self/task')) {
    const tid = Number(entry);
    if (tid === checkerTid) assert.equal(niceOf(tid), checkerBefore, 'the checker keeps its priority');
    else assert.ok(niceOf(tid) >= target, `thread ${tid} at ${niceOf(tid)}`);
  }
  assert.equal(osThreadId(), process.pid, 'the main thread’s id is the process id');
  const again = await yieldToCheckerThread(target, checkerTid);
  assert.equal(again.applied, false, 'a second call finds nothing left to lower');
});

test('nice 0 turns it off, and without the checker’s id nothing is touched', async () => {
  assert.deepEqual(await yieldToCheckerThread(0, 1), { applied: false, reason: 'off' });
  if (linux) assert.equal((await yieldToCheckerThread(5, null)).applied, false);
});
