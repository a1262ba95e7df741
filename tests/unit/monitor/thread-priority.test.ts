import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

/** The nice value of one thread of this process, read from the kernel. */
function niceOf(tid: number): number {
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  // Field 19 (nice); fields after the command name, which may itself hold spaces, start at field 3.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('lowering a thread’s priority leaves the other threads of the process, the checker’s included, where they were', { skip: process.platform !== 'linux' }, async (t) => {
  // A thread standing for the main thread lowers itself; this thread stands for the checker thread.
  const url = new URL('../../../lib/monitor/thread-priority.ts', import.meta.url).href;
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const fs = require('node:fs');
     import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); }).then(({ lowerThisThreadPriority }) => {
       const result = lowerThisThreadPriority(6);
       const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
       parentPort.postMessage({ result, tid, again: lowerThisThreadPriority(6) });
     });
     setInterval(() => {}, 1000);`,
    { eval: true },
  );
  t.after(() => worker.terminate());
  const { result, tid, again } = await new Promise<{ result: { applied: boolean }; tid: number; again: { applied: boolean; reason: string } }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  const before = niceOf(process.pid);
  assert.equal(result.applied, true);
  assert.equal(niceOf(tid), Math.max(6, before), 'the lowered thread runs at nice 6');
  assert.equal(niceOf(process.pid), before, 'this thread is untouched');
  assert.deepEqual(again, { applied: false, reason: 'already at or below it' });
});

test('nice 0 turns it off', async () => {
  const { lowerThisThreadPriority } = await import('../../../lib/monitor/thread-priority');
  assert.deepEqual(lowerThisThreadPriority(0), { applied: false, reason: 'off' });
});
