import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FILTERS, apiUrl, filtersToSearch, parseFilters } from '../../app/incidents/incident-filters';
import { parseIncidentQuery } from '../../lib/incidents';

/** The Incidents page's address-bar filters: read forgivingly, written back the same, and turned into API queries. */

const NOW = Date.parse('2025-03-10T12:00:00Z');
const queryOf = (url: string) => parseIncidentQuery(new URL(url, 'http://x').searchParams);

test('filters survive the address bar both ways; unknown values fall back to the defaults', () => {
  const f = parseFilters(new URLSearchParams('status=open&site=12&range=custom&from=2025-03-01&to=2025-03-07'));
  assert.deepEqual(f, { status: 'open', siteId: 12, range: 'custom', from: '2025-03-01', to: '2025-03-07' });
  assert.deepEqual(parseFilters(new URLSearchParams(filtersToSearch(f).slice(1))), f);
  assert.equal(filtersToSearch(DEFAULT_FILTERS), '');
  assert.deepEqual(parseFilters({ status: 'maybe', site: '0', range: '2y', from: 'yesterday' }), DEFAULT_FILTERS);
  assert.deepEqual(parseFilters({ site: ['3', '4'] }).siteId, 3);
});

test('each filter becomes the API query it stands for, which the API accepts', () => {
  assert.deepEqual(queryOf(apiUrl({ ...DEFAULT_FILTERS, range: '7d' }, NOW)), { limit: 200, from: NOW - 7 * 86_400_000 });
  assert.deepEqual(queryOf(apiUrl({ ...DEFAULT_FILTERS, status: 'resolved', siteId: 5, range: '24h' }, NOW)), {
    limit: 200,
    open: false,
    siteId: 5,
    from: NOW - 86_400_000,
  });
  // A custom range covers whole days in this runtime's zone, the `to` day included.
  const custom = queryOf(apiUrl({ ...DEFAULT_FILTERS, range: 'custom', from: '2025-03-01', to: '2025-03-01' }, NOW));
  assert.equal(custom.from, new Date('2025-03-01T00:00:00').getTime());
  assert.equal(custom.to, new Date('2025-03-02T00:00:00').getTime());
  assert.deepEqual(queryOf(apiUrl({ ...DEFAULT_FILTERS, range: 'custom' }, NOW)), { limit: 200 }, 'no days: no bounds');
  assert.throws(() => queryOf(apiUrl({ ...DEFAULT_FILTERS, range: 'custom', from: '2025-03-02', to: '2025-02-27' }, NOW)), /to must be after from/);
});
