import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewCheck } from '../../../db/domain';
import { Recorder } from '../../../lib/monitor/recorder';
import { tempStore } from '../../helpers/temp-store';
import { eventually } from '../../helpers/eventually';
import { newCheck, newSite } from '../../helpers/factories';

/** The real store, with each batch it is handed counted. */
function countingStore(t: Parameters<typeof tempStore>[0]) {
  const store = tempStore(t);
  const batches: number[] = [];
  const sink = {
    recordChecks(batch: readonly NewCheck[]) {
      batches.push(batch.length);
      return store.recordChecks(batch);
    },
  };
  return { store, sink, batches };
}

test('results wait at most flushEveryMs, then go in one batch', async (t) => {
  const { store, sink, batches } = countingStore(t);
  const s = store.createSite(newSite());
  const recorder = new Recorder(sink, { flushEveryMs: 50 });
  for (let i = 0; i < 10; i++) recorder.add(newCheck(s.id, i));
  assert.equal(store.countChecks(), 0, 'nothing written before the flush interval');
  await eventually('the flush', () => batches.length > 0, 1000);
  assert.deepEqual(batches, [10]);
  assert.equal(store.countChecks(), 10);
  assert.equal(store.getSite(s.id)!.lastCheck!.checkedAt, 9);
  recorder.close();
});

test('a full batch is written at once, never more than maxBatch rows a transaction', (t) => {
  const { store, sink, batches } = countingStore(t);
  const s = store.createSite(newSite());
  const recorder = new Recorder(sink, { flushEveryMs: 10_000, maxBatch: 100 });
  for (let i = 0; i < 250; i++) recorder.add(newCheck(s.id, i));
  assert.deepEqual(batches, [100, 100]);
  recorder.close();
  assert.deepEqual(batches, [100, 100, 50]);
  assert.equal(store.countChecks(), 250);
  const stats = recorder.stats();
  assert.equal(stats.recorded, 250);
  assert.equal(stats.batches, 3);
  assert.equal(stats.lastBatch!.size, 50);
});

test('close writes what is waiting and drops later results', (t) => {
  const { store, sink } = countingStore(t);
  const s = store.createSite(newSite());
  const recorder = new Recorder(sink, { flushEveryMs: 10_000 });
  recorder.add(newCheck(s.id, 1));
  recorder.close();
  recorder.add(newCheck(s.id, 2));
  recorder.flush();
  assert.equal(store.countChecks(), 1);
});

test('a failed write is counted and the recorder keeps going', (t) => {
  const { store } = countingStore(t);
  const s = store.createSite(newSite());
  let fail = true;
  const recorder = new Recorder(
    {
      recordChecks(batch) {
        if (fail) throw new Error('disk full');
        return store.recordChecks(batch);
      },
    },
    { flushEveryMs: 10_000 },
  );
  const quiet = t.mock.method(console, 'error', () => {});
  recorder.add(newCheck(s.id, 1));
  recorder.flush();
  fail = false;
  recorder.add(newCheck(s.id, 2));
  recorder.flush();
  quiet.mock.restore();
  assert.equal(recorder.stats().failed, 1);
  assert.equal(store.countChecks(), 1);
});
