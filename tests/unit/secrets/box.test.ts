import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { isSealed, openFields, sealFields, SecretBox, SecretKeyError } from '../../../lib/secrets/box';
import { parseKey } from '../../../lib/secrets/key';

const box = () => new SecretBox(crypto.randomBytes(32), 'the key file /srv/upbeat.db.key');

test('a sealed value opens to what was sealed, and sealing twice never gives the same text', () => {
  const b = box();
  const plain = 'Bearer s3cr3t-ünïcode ✓';
  const one = b.seal(plain);
  const two = b.seal(plain);
  assert.match(one, /^v1:/);
  assert.ok(isSealed(one));
  assert.notEqual(one, two, 'a nonce was reused');
  assert.ok(!one.includes('s3cr3t'));
  assert.equal(b.open(one), plain);
  assert.equal(b.open(two), plain);
  assert.equal(b.open(b.seal('')), '');
});

test('a value sealed with another key, or altered, is refused with a message naming the key source, never garbage', () => {
  const sealed = box().seal('top secret');
  const other = box();
  assert.throws(() => other.open(sealed), (err: Error) => err instanceof SecretKeyError && err.message.includes('/srv/upbeat.db.key'));
  const b = box();
  const good = b.seal('top secret');
  const raw = Buffer.from(good.slice(3), 'base64');
  raw[raw.length - 1]! ^= 1;
  assert.throws(() => b.open(`v1:${raw.toString('base64')}`), SecretKeyError);
  assert.throws(() => b.open('{"a":"b"}'), SecretKeyError);
});

test('a key must be 32 bytes, given as base64 or hex', () => {
  const key = crypto.randomBytes(32);
  assert.deepEqual(parseKey(key.toString('hex')), key);
  assert.deepEqual(parseKey(key.toString('base64')), key);
  assert.deepEqual(parseKey(`${key.toString('base64url')}\n`), key);
  assert.equal(parseKey(crypto.randomBytes(16).toString('hex')), null);
  assert.equal(parseKey(crypto.randomBytes(31).toString('base64')), null);
  assert.equal(parseKey('not a key'), null);
  assert.throws(() => new SecretBox(crypto.randomBytes(16), 'UPBEAT_SECRET_KEY'), /UPBEAT_SECRET_KEY must be 32 bytes/);
});

test('sealFields seals only the named fields, of any JSON shape, and openFields gives them back', () => {
  const b = box();
  const config = { url: 'https://hooks.example/abc', secret: 'sixteen-chars-or-more', headers: { Authorization: 'Bearer x' }, retries: 3 };
  const stored = sealFields(b, config, ['secret', 'headers', 'missing']);
  assert.equal(stored.url, config.url, 'a field not named stays readable');
  assert.equal(stored.retries, 3);
  assert.ok(isSealed(stored.secret) && isSealed(stored.headers));
  assert.ok(!('missing' in stored));
  const text = JSON.stringify(stored);
  assert.ok(!text.includes('sixteen-chars') && !text.includes('Bearer x'));
  assert.deepEqual(openFields(b, JSON.parse(text) as object, ['secret', 'headers', 'missing']), config);
  assert.throws(() => openFields(box(), stored, ['secret']), SecretKeyError);
});
