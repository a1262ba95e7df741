import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { overviewJsonChunks, overviewSiteJson, presentOverview } from '../../app/_server/present-overview';
import { decodeSparkMinutes, encodeSparkMinutes, type SparkTuple } from '../../app/_components/spark-minutes';
import { createOverviewCache } from '../../lib/overview-cache';
import { openAppStore } from '../../lib/store';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir } from '../helpers/temp-store';

/** The overview on the wire: the sparkline's minute string, and the JSON written in pieces from each summary's JSON made once. */

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 12, 30, 15);

test('the minutes string round-trips every kind of minute, and leaves trailing empty minutes off', () => {
  const points: SparkTuple[] = [
    [0, 12, 1],
    [2, 140, 0],
    [3, null, 0],
    [57, 0.4, 1],
  ];
  const text = encodeSparkMinutes(points);
  assert.equal(text, '12,,140!,!' + ','.repeat(54) + '0.4');
  assert.deepEqual(decodeSparkMinutes(text), points);
  assert.equal(encodeSparkMinutes([]), '');
  assert.deepEqual(decodeSparkMinutes(''), []);
});

test('latencies keep the precision the dashboard shows: tenths below 10 ms, whole ms from there', () => {
  assert.equal(encodeSparkMinutes([[0, 9.94, 1], [1, 9.96, 1], [2, 123.4, 1], [3, 123.5, 0]]), '9.9,10,123,124!');
});

test('a malformed minutes string decodes to the minutes it can read, never throws', () => {
  assert.deepEqual(decodeSparkMinutes('abc,5,-3,!!,7!'), [
    [1, 5, 1],
    [4, 7, 0],
  ]);
});

test('the overview JSON is the presented overview, also after checks, edits and a configuration file owning a site', (t) => {
  const store = openAppStore(path.join(tempDir(t, 'upbeat-overview-wire-'), 'upbeat.db'));
  t.after(() => store.close());
  const ids = Array.from({ length: 6 }, (_, i) => store.createSite(newSite({ name: `site-${i}` }), NOW - 86_400_000).id);
  store.recordChecks(ids.flatMap((id) => [0, 1, 2].map((k) => newCheck(id, NOW - k * MIN, { ok: (id + k) % 4 !== 0 }))));
  const cache = createOverviewCache(store);
  const same = (now: number, managed?: Map<number, string>) => {
    const encoded = cache.readEncoded({ now }, overviewSiteJson);
    const text = Buffer.concat([...overviewJsonChunks(encoded, now, managed)]).toString('utf8');
    assert.equal(text, JSON.stringify(presentOverview(cache.read({ now }), now, managed)));
    return JSON.parse(text) as ReturnType<typeof presentOverview>;
  };
  const first = same(NOW);
  assert.equal(first.sites.length, 6);
  assert.equal(typeof first.sites[0]!.spark.minutes, 'string');

  store.recordChecks([newCheck(ids[2]!, NOW + 1000, { ok: false, statusCode: 503 })]);
  store.updateSite(ids[4]!, { name: 'renamed' }, NOW + 1000);
  const later = same(NOW + 2000);
  assert.equal(later.sites.find((s) => s.id === ids[2])?.lastCheck?.ok, false);
  assert.equal(later.sites.find((s) => s.id === ids[4])?.name, 'renamed');

  // A file taking a site over changes its entry though its summary did not change.
  const owned = same(NOW + 3000, new Map([[ids[1]!, 'upbeat.yaml']]));
  assert.equal(owned.sites.find((s) => s.id === ids[1])?.managedBy, 'upbeat.yaml');
  assert.equal(same(NOW + 4000).sites.find((s) => s.id === ids[1])?.managedBy, undefined);
});

test('the JSON comes in pieces of a few hundred sites that join to one document, also with no sites', () => {
  const sites = Array.from({ length: 1234 }, (_, i) => ({ id: i + 1, site: {} as never, encoded: Buffer.from(JSON.stringify({ id: i + 1, name: `é ${i}` })) }));
  const chunks = [...overviewJsonChunks(sites, 42)];
  assert.ok(chunks.length >= 4, `${chunks.length} pieces`);
  const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { at: number; sites: { id: number; name: string }[] };
  assert.equal(parsed.at, 42);
  assert.deepEqual(parsed.sites.map((s) => s.id), sites.map((s) => s.id));
  assert.equal(parsed.sites[3]!.name, 'é 3');
  assert.deepEqual(JSON.parse(Buffer.concat([...overviewJsonChunks([], 7)]).toString('utf8')), { at: 7, sites: [] });
});
