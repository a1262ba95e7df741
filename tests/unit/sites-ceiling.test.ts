import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../lib/config';
import { AppError, HTTP_STATUS } from '../../lib/errors';
import { createSite, deleteSite } from '../../lib/sites';
import { tempStore } from '../helpers/temp-store';

test('the number of sites has a ceiling, answered with 409 limit naming it', async (t) => {
  const store = tempStore(t);
  const limits = { maxSites: 3 };
  // Created in parallel: the count is taken right before each insert, so they cannot overshoot.
  const outcomes = await Promise.allSettled(
    Array.from({ length: 5 }, (_v, i) => createSite(store, { url: `http://127.0.0.1:9/${i}` }, limits)),
  );
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 3);
  const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  assert.equal(refusals.length, 2);
  for (const err of refusals) {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'limit');
    assert.equal(HTTP_STATUS[err.code], 409);
    assert.match(err.message, /at most 3 sites \(UPBEAT_MAX_SITES\)/);
  }
  assert.equal(store.countSites(), 3);
  deleteSite(store, store.listSites()[0]!.id);
  await createSite(store, { url: 'http://127.0.0.1:9/again' }, limits);
  assert.equal(store.countSites(), 3);
});

test('the ceiling and the stream and anonymous limits come from the environment, with defaults', () => {
  const defaults = parseConfig({});
  assert.equal(defaults.maxSites, 50_000);
  assert.deepEqual(defaults.maxStreams, { total: 1000, perClient: 20 });
  assert.deepEqual(defaults.anonRate, { perSecond: 10, burst: 60 });
  const set = parseConfig({
    UPBEAT_MAX_SITES: '7',
    UPBEAT_MAX_STREAMS: '50',
    UPBEAT_MAX_STREAMS_PER_CLIENT: '2',
    UPBEAT_ANON_RATE: '0.5',
    UPBEAT_ANON_BURST: '3',
  });
  assert.equal(set.maxSites, 7);
  assert.deepEqual(set.maxStreams, { total: 50, perClient: 2 });
  assert.deepEqual(set.anonRate, { perSecond: 0.5, burst: 3 });
  assert.throws(() => parseConfig({ UPBEAT_MAX_SITES: '0' }), /UPBEAT_MAX_SITES/);
});
