import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Store } from '../../db';
import type { NewCheck } from '../../db/domain';
import { createOverviewCache } from '../../lib/overview-cache';
import { openAppStore } from '../../lib/store';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';

/**
 * The in-memory overview answers exactly what the store's one-statement read answers, and re-reads only the sites
 * that changed: new checks (also when another process wrote them), edits, new and deleted sites.
 */

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 12, 30, 15);
const MAX_AGE = 10 * MIN;

/** A writer and a reader on one file, as the checker (`npm run monitor`) and the web server are. */
function twoProcesses(t: TestContext): { writer: Store; reader: Store } {
  const file = path.join(tempDir(t, 'upbeat-overview-cache-'), 'upbeat.db');
  const writer = openAppStore(file);
  const reader = openAppStore(file);
  t.after(() => {
    reader.close();
    writer.close();
  });
  return { writer, reader };
}

function seed(store: Store, n: number): number[] {
  const ids = Array.from({ length: n }, (_, i) => store.createSite(newSite({ name: `site-${i}` }), NOW - 2 * 86_400_000).id);
  const checks: NewCheck[] = [];
  for (const id of ids) {
    for (let k = 0; k < 50; k++) checks.push(newCheck(id, NOW - k * 2 * MIN, { ok: (id + k) % 7 !== 0 }));
  }
  store.recordChecks(checks);
  return ids;
}

test('answers what the store reads, and a second read with nothing new reads no site', (t) => {
  const { writer, reader } = twoProcesses(t);
  seed(writer, 20);
  const cache = createOverviewCache(reader, MAX_AGE);
  assert.deepEqual(cache.read({ now: NOW }), reader.overview({ now: NOW }));
  assert.equal(cache.lastReadCount(), 20);
  assert.deepEqual(cache.read({ now: NOW + 1000 }), reader.overview({ now: NOW + 1000 }));
  assert.equal(cache.lastReadCount(), 0);
});

test('checks written by another connection re-read only their sites', (t) => {
  const { writer, reader } = twoProcesses(t);
  const ids = seed(writer, 20);
  const cache = createOverviewCache(reader, MAX_AGE);
  cache.read({ now: NOW });
  writer.recordChecks([newCheck(ids[3]!, NOW + 500, { ok: false }), newCheck(ids[7]!, NOW + 600)]);
  const now = NOW + 2000;
  const read = cache.read({ now });
  assert.equal(cache.lastReadCount(), 2);
  assert.deepEqual(read, reader.overview({ now }));
  assert.equal(read.find((s) => s.id === ids[3])?.lastCheck?.ok, false);
});

test('an edit, a new site and a deleted site show on the next read', (t) => {
  const { writer, reader } = twoProcesses(t);
  const ids = seed(writer, 5);
  const cache = createOverviewCache(reader, MAX_AGE);
  cache.read({ now: NOW });
  writer.updateSite(ids[0]!, { name: 'renamed', paused: true }, NOW + 1000);
  writer.deleteSite(ids[1]!);
  const added = writer.createSite(newSite({ name: 'new one' }), NOW + 1000).id;
  const now = NOW + 2000;
  const read = cache.read({ now });
  assert.equal(cache.lastReadCount(), 2, 'the edited and the new site');
  assert.deepEqual(read, reader.overview({ now }));
  assert.equal(read.find((s) => s.id === ids[0])?.name, 'renamed');
  assert.equal(read.some((s) => s.id === ids[1]), false);
  assert.equal(read.some((s) => s.id === added), true);
});

test('sparklines slide with the minutes in memory, equal to a fresh read, until the uptime is due again', (t) => {
  const { writer, reader } = twoProcesses(t);
  seed(writer, 10);
  const cache = createOverviewCache(reader, MAX_AGE);
  cache.read({ now: NOW });
  for (const later of [NOW + MIN, NOW + 4 * MIN + 5000]) {
    const read = cache.read({ now: later });
    assert.equal(cache.lastReadCount(), 0, `at +${(later - NOW) / MIN} min`);
    const fresh = reader.overview({ now: later });
    assert.deepEqual(
      read.map((s) => [s.sparkFrom, s.spark]),
      fresh.map((s) => [s.sparkFrom, s.spark]),
    );
  }
  // Past the max age every summary has been read again: the 24 h uptime is current.
  const late = NOW + MAX_AGE + 1000;
  assert.deepEqual(cache.read({ now: late }), reader.overview({ now: late }));
  assert.equal(cache.lastReadCount(), 10);
});

test('a read of some ids reads and answers only those', (t) => {
  const { writer, reader } = twoProcesses(t);
  const ids = seed(writer, 8);
  const cache = createOverviewCache(reader, MAX_AGE);
  const some = [ids[2]!, ids[5]!];
  assert.deepEqual(cache.read({ now: NOW, ids: some }), reader.overview({ now: NOW, ids: some }));
  assert.equal(cache.lastReadCount(), 2);
  assert.deepEqual(cache.read({ now: NOW }), reader.overview({ now: NOW }));
  assert.equal(cache.lastReadCount(), 6);
  assert.deepEqual(cache.read({ now: NOW, ids: [] }), []);
});

test('an encoded read runs the encoder only for the summaries that changed, and answers what a plain read does', (t) => {
  const { writer, reader } = twoProcesses(t);
  const ids = seed(writer, 12);
  const cache = createOverviewCache(reader, MAX_AGE);
  const encoded: number[] = [];
  const encode = (site: { id: number; name: string }) => {
    encoded.push(site.id);
    return `${site.id}:${site.name}`;
  };
  const first = cache.readEncoded({ now: NOW }, encode);
  assert.deepEqual(first.map((e) => e.encoded), cache.read({ now: NOW }).map((s) => `${s.id}:${s.name}`));
  assert.deepEqual(first.map((e) => e.id), ids);
  assert.equal(encoded.length, 12);

  encoded.length = 0;
  writer.recordChecks([newCheck(ids[4]!, NOW + 500)]);
  writer.updateSite(ids[9]!, { name: 'renamed' }, NOW + 600);
  const second = cache.readEncoded({ now: NOW + 1000 }, encode);
  assert.deepEqual(encoded.sort((a, b) => a - b), [ids[4]!, ids[9]!]);
  assert.equal(second.find((e) => e.id === ids[9])?.encoded, `${ids[9]}:renamed`);

  // The sparkline moving on a minute is a change of every summary; another encoder never reuses this one's text.
  encoded.length = 0;
  cache.readEncoded({ now: NOW + MIN }, encode);
  assert.equal(encoded.length, 12);
  encoded.length = 0;
  const other = cache.readEncoded({ now: NOW + MIN }, (site) => `other ${site.id}`);
  assert.equal(encoded.length, 0);
  assert.equal(other[0]!.encoded, `other ${ids[0]}`);
});
