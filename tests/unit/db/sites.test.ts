import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../../helpers/temp-store';

const base = {
  name: 'Example',
  url: 'http://127.0.0.1:9/',
  method: 'GET' as const,
  intervalSeconds: 60,
  timeoutMs: 5000,
  expectedStatus: '200-399',
  followRedirects: true,
  headers: {},
  paused: false,
  confirmAfter: 1,
};

test('a created site reads back as pending with no last check', (t) => {
  const store = tempStore(t);
  const created = store.createSite(base, 1000);
  assert.equal(created.state, 'pending');
  assert.equal(created.lastCheck, null);
  assert.deepEqual(store.getSite(created.id), created);
  assert.equal(store.listSites().length, 1);
});

test('every scheduler-relevant change bumps the sites revision, recording a check does not', (t) => {
  const store = tempStore(t);
  const r0 = store.sitesRevision();
  const s = store.createSite(base);
  const r1 = store.sitesRevision();
  assert.ok(r1 > r0);
  store.recordChecks([
    {
      siteId: s.id,
      checkedAt: 5,
      ok: true,
      statusCode: 200,
      timings: { dnsMs: 0, connectMs: 1, tlsMs: 0, ttfbMs: 2, transferMs: 0, totalMs: 3 },
      error: null,
      lagMs: 0,
      tlsExpiresAt: null,
      tlsIssuer: null,
    },
  ]);
  assert.equal(store.sitesRevision(), r1);
  store.updateSite(s.id, { intervalSeconds: 30 });
  const r2 = store.sitesRevision();
  assert.ok(r2 > r1);
  store.requestCheck(s.id);
  assert.ok(store.sitesRevision() > r2);
});

test('pausing and resuming derives the state from the newest check', (t) => {
  const store = tempStore(t);
  const s = store.createSite(base);
  assert.equal(store.updateSite(s.id, { paused: true })?.state, 'paused');
  assert.equal(store.updateSite(s.id, { paused: false })?.state, 'pending');
  store.recordChecks([
    {
      siteId: s.id,
      checkedAt: 10,
      ok: false,
      statusCode: 500,
      timings: { dnsMs: 0, connectMs: 1, tlsMs: 0, ttfbMs: 2, transferMs: 0, totalMs: 3 },
      error: { kind: 'status', message: 'HTTP 500' },
      lagMs: 0,
      tlsExpiresAt: null,
      tlsIssuer: null,
    },
  ]);
  assert.equal(store.getSite(s.id)?.state, 'down');
  assert.equal(store.updateSite(s.id, { paused: true })?.state, 'paused');
  assert.equal(store.updateSite(s.id, { paused: false })?.state, 'down');
});

test('updating or deleting an unknown id changes nothing', (t) => {
  const store = tempStore(t);
  store.createSite(base);
  const rev = store.sitesRevision();
  assert.equal(store.updateSite(999, { name: 'x' }), undefined);
  assert.equal(store.deleteSite(999), false);
  assert.equal(store.sitesRevision(), rev);
});
