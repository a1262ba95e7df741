import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../lib/errors';
import { renderBadge } from '../../../lib/status/badge-svg';
import { parseBadgeRequest, readBadge, setBadges } from '../../../lib/status/badges';
import { publicCache } from '../../../lib/status/short-cache';
import { newSite } from '../../helpers/factories';
import { tempStore } from '../../helpers/temp-store';

/** The badge route's own read: through the public cache, as GET /api/badges/{siteId}/status.svg does it. */
function serve(store: Parameters<typeof readBadge>[0], siteId: number): string {
  const req = parseBadgeRequest(String(siteId), 'status.svg', new URLSearchParams());
  const entry = publicCache().get(`badge:${JSON.stringify(req)}`, () => ({
    body: renderBadge(readBadge(store, req, Date.now()), req.style),
    contentType: 'image/svg+xml',
  }));
  return Buffer.from(entry.body).toString('utf8');
}

const notFound = (e: unknown) => e instanceof AppError && e.code === 'not_found';

test('a badge turned off answers 404 at once, though it was served a moment ago from the public cache', (t) => {
  const store = tempStore(t);
  const site = store.createSite(newSite());
  t.after(() => publicCache().clear());

  setBadges(store, site.id, true);
  assert.match(serve(store, site.id), /<title>status: pending<\/title>/);
  setBadges(store, site.id, false);
  assert.equal(store.areBadgesEnabled(site.id), false);
  assert.throws(() => serve(store, site.id), notFound);
});

test('turning badges on for a site that does not exist is a 404 and changes nothing', (t) => {
  const store = tempStore(t);
  const site = store.createSite(newSite());
  assert.throws(() => setBadges(store, site.id + 1, true), notFound);
  assert.equal(store.areBadgesEnabled(site.id), false);
});
