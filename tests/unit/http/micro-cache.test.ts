import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { purgePublicAnswers } from '../../../lib/http/public-generation';
import { matchesEtag } from '../../../lib/http/etag';
import { cacheableFor, HOLD_MS, MicroCache } from '../../../lib/server/micro-cache';

const publicHeaders: import('node:http').OutgoingHttpHeaders = { 'cache-control': 'public, max-age=5, stale-while-revalidate=30', vary: 'accept-encoding', etag: '"a"' };

test('only a public 200 with a max-age, no cookie and a Vary of keyed headers may be shared', () => {
  assert.equal(cacheableFor(200, publicHeaders), 5000);
  assert.equal(cacheableFor(200, { ...publicHeaders, vary: ['rsc, next-router-state-tree', 'accept-encoding'] as unknown as string }), 5000);
  assert.equal(cacheableFor(404, publicHeaders), null, 'not a 200');
  assert.equal(cacheableFor(200, { ...publicHeaders, 'set-cookie': 'a=1' }), null, 'sets a cookie');
  assert.equal(cacheableFor(200, { ...publicHeaders, 'cache-control': 'max-age=5' }), null, 'not public');
  assert.equal(cacheableFor(200, { ...publicHeaders, 'cache-control': 'public, no-store, max-age=5' }), null, 'no-store');
  assert.equal(cacheableFor(200, { ...publicHeaders, 'cache-control': 'public, private, max-age=5' }), null, 'private');
  assert.equal(cacheableFor(200, { ...publicHeaders, 'cache-control': 'public' }), null, 'no max-age');
  assert.equal(cacheableFor(200, { ...publicHeaders, 'cache-control': 'public, max-age=0' }), null, 'max-age 0');
  assert.equal(cacheableFor(200, { ...publicHeaders, vary: 'accept-encoding, cookie' }), null, 'varies on a header not in the key');
  assert.equal(cacheableFor(200, { ...publicHeaders, vary: '*' }), null, 'varies on anything');
});

test('If-None-Match: a list, a weak tag or * matches; another tag does not', () => {
  assert.equal(matchesEtag('"a"', '"a"'), true);
  assert.equal(matchesEtag('"x", W/"a"', '"a"'), true);
  assert.equal(matchesEtag('*', '"a"'), true);
  assert.equal(matchesEtag('"b"', '"a"'), false);
  assert.equal(matchesEtag(undefined, '"a"'), false);
  assert.equal(matchesEtag(null, '"a"'), false);
  assert.equal(matchesEtag('"a-gz"', 'W/"a-gz"'), true, 'weak on either side');
});

function request(url: string, headers: Record<string, string> = {}, method = 'GET'): IncomingMessage {
  return { url, method, headers } as unknown as IncomingMessage;
}

test('credentials and writes are never looked up; the key tells variants apart', () => {
  const cache = new MicroCache();
  assert.equal(cache.keyOf(request('/status/a', { cookie: 's=1' })), null);
  assert.equal(cache.keyOf(request('/status/a', { authorization: 'Bearer x' })), null);
  assert.equal(cache.keyOf(request('/status/a', {}, 'POST')), null);
  const plain = cache.keyOf(request('/status/a'));
  assert.notEqual(plain, null);
  assert.equal(cache.keyOf(request('/status/a', {}, 'HEAD')), plain, 'HEAD reads what GET stored');
  assert.notEqual(cache.keyOf(request('/status/a', { 'accept-encoding': 'gzip' })), plain);
  assert.notEqual(cache.keyOf(request('/status/a', { host: 'other.example' })), plain);
  assert.notEqual(cache.keyOf(request('/status/a', { rsc: '1' })), plain);
  assert.notEqual(cache.keyOf(request('/status/b')), plain);
});

test('an answer is held for at most a second, and not past its own max-age', () => {
  assert.ok(HOLD_MS <= 1000);
  let now = 0;
  const cache = new MicroCache(() => now);
  const stored = (cache as unknown as { store(k: string, s: number, h: object, b: Buffer): void }).store.bind(cache);
  stored('k', 200, publicHeaders, Buffer.from('x'));
  assert.ok(cache.lookup('k'));
  now = HOLD_MS;
  assert.equal(cache.lookup('k'), null, 'gone after HOLD_MS');
  assert.deepEqual(cache.stats(), { entries: 0, bytes: 0, hits: 1, misses: 1 });
});

test('a purge of public answers makes every held answer stale at once', () => {
  const cache = new MicroCache(() => 0);
  const stored = (cache as unknown as { store(k: string, s: number, h: object, b: Buffer): void }).store.bind(cache);
  stored('k', 200, publicHeaders, Buffer.from('x'));
  assert.ok(cache.lookup('k'));
  purgePublicAnswers();
  assert.equal(cache.lookup('k'), null);
});
