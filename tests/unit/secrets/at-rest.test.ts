import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseOpenError } from '../../../db';
import { makeBackup } from '../../../lib/backup/make-backup';
import { keyFileFor } from '../../../lib/secrets/key';
import { rotateSecretKey, RotateKeyError } from '../../../lib/secrets/rotate';
import { openFields, sealFields } from '../../../lib/secrets/box';
import { openAppStore, secretBoxOf } from '../../../lib/store';
import { newSite } from '../../helpers/factories';
import { eventually } from '../../helpers/eventually';
import { spawnChecker } from '../../helpers/spawn-checker';
import { tempDir } from '../../helpers/temp-store';

const SECRET = 'Bearer upb-at-rest-7f3a9c1e5d';

/** Every byte SQLite keeps for `file`: the database, its log and shared memory. */
function rawBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

function databaseWithSecret(t: TestContext, key?: Buffer) {
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openAppStore(file, key);
  const site = store.createSite(newSite({ headers: { Authorization: SECRET, 'X-Plain-Name': 'shown' } }));
  store.close();
  return { file, id: site.id };
}

test('the key file is created beside the database at first start, readable by its owner only', (t) => {
  const { file } = databaseWithSecret(t);
  const stat = fs.statSync(keyFileFor(file));
  assert.equal(stat.mode & 0o777, 0o600);
});

test('a copied database file, or a backup, holds no header value in clear, and opened without the key it is refused', async (t) => {
  const { file } = databaseWithSecret(t);
  assert.equal(rawBytes(file).indexOf(SECRET), -1, 'the secret is in the database file');

  const elsewhere = path.join(tempDir(t), 'copy.db');
  await makeBackup(file, elsewhere);
  assert.equal(rawBytes(elsewhere).indexOf(SECRET), -1, 'the secret is in the backup');
  assert.ok(!fs.existsSync(keyFileFor(elsewhere)), 'a backup carried the key with it');
  // Without the key a new one is made beside the copy, and it cannot open what was sealed with the old.
  assert.throws(
    () => openAppStore(elsewhere),
    (err: Error) => err instanceof DatabaseOpenError && err.message.includes(`the key file ${keyFileFor(elsewhere)}`) && !err.message.includes(SECRET),
  );
  assert.throws(() => openAppStore(elsewhere, crypto.randomBytes(32)), /cannot be decrypted with the key from UPBEAT_SECRET_KEY/);
  // With the right key the copy opens and reads.
  fs.copyFileSync(keyFileFor(file), keyFileFor(elsewhere));
  const store = openAppStore(elsewhere);
  t.after(() => store.close());
  assert.equal(store.listSites()[0]!.headers.Authorization, SECRET);
});

test('header values stored in clear before are sealed at the first start with a key', (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openAppStore(file);
  const site = store.createSite(newSite());
  store.db.prepare(`UPDATE sites SET headers = ? WHERE id = ?`).run(JSON.stringify({ Authorization: SECRET }), site.id);
  store.close();
  assert.notEqual(rawBytes(file).indexOf(SECRET), -1, 'the row was not written in clear');

  const again = openAppStore(file);
  assert.equal(again.getSite(site.id)!.headers.Authorization, SECRET);
  again.db.pragma('wal_checkpoint(TRUNCATE)');
  const column = again.db.prepare<[], { headers: string }>(`SELECT headers FROM sites`).get()!.headers;
  again.close();
  assert.match(column, /^v1:/);
  assert.ok(!column.includes(SECRET));
});

test('with the key, the checker in its own process sends the header; with a wrong one it stops at start naming the key source', async (t) => {
  const received: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    received.push(req.headers.authorization);
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const key = crypto.randomBytes(32);
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openAppStore(file, key);
  t.after(() => store.close());
  const site = store.createSite(newSite({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, headers: { Authorization: SECRET } }));

  const wrong = spawnChecker(t, file, { UPBEAT_SECRET_KEY: crypto.randomBytes(32).toString('hex') });
  const { code } = await wrong.exited;
  assert.equal(code, 1);
  assert.match(wrong.output(), /upbeat: Cannot read the secrets in .*cannot be decrypted with the key from UPBEAT_SECRET_KEY/);
  assert.equal(received.length, 0);

  const checker = spawnChecker(t, file, { UPBEAT_SECRET_KEY: key.toString('base64') });
  await checker.running();
  store.requestCheck(site.id);
  await eventually('the target to be checked', () => received.length > 0, 10_000);
  assert.equal(received[0], SECRET);
  assert.ok(!checker.output().includes(SECRET), 'the checker logged the secret');
});

test('rotating the key keeps every value readable, the old key opens nothing, and nothing is in clear', (t) => {
  const { file } = databaseWithSecret(t);
  const store = openAppStore(file);
  const secrets = Array.from({ length: 25 }, (_, i) => `token-${i}-${crypto.randomBytes(6).toString('hex')}`);
  for (const s of secrets) store.createSite(newSite({ headers: { 'X-Api-Key': s } }));
  store.close();
  const oldKey = fs.readFileSync(keyFileFor(file), 'utf8');

  const outcome = rotateSecretKey(file, undefined);
  assert.equal(outcome.values, 26);
  assert.equal(outcome.keyFile, keyFileFor(file));
  assert.notEqual(fs.readFileSync(keyFileFor(file), 'utf8'), oldKey);
  assert.equal(fs.statSync(keyFileFor(file)).mode & 0o777, 0o600);
  assert.ok(!fs.existsSync(`${keyFileFor(file)}.next`));

  const after = openAppStore(file);
  const headers = after.listSites().map((s) => s.headers);
  after.close();
  assert.equal(headers[0]!.Authorization, SECRET);
  assert.deepEqual(headers.slice(1).map((h) => h['X-Api-Key']), secrets);
  const bytes = rawBytes(file);
  for (const s of [SECRET, ...secrets]) assert.equal(bytes.indexOf(s), -1, `${s} in clear after rotation`);

  fs.writeFileSync(keyFileFor(file), oldKey);
  assert.throws(() => openAppStore(file), DatabaseOpenError);
});

test('rotating UPBEAT_SECRET_KEY returns the new key, which alone opens the database', (t) => {
  const key = crypto.randomBytes(32);
  const { file } = databaseWithSecret(t, key);
  const outcome = rotateSecretKey(file, key);
  assert.equal(outcome.keyFile, null);
  assert.ok(outcome.printedKey);
  const store = openAppStore(file, Buffer.from(outcome.printedKey, 'base64'));
  assert.equal(store.listSites()[0]!.headers.Authorization, SECRET);
  store.close();
  assert.throws(() => openAppStore(file, key), /UPBEAT_SECRET_KEY/);
});

test('rotation is refused while the database is open elsewhere, and with a wrong key, changing nothing', (t) => {
  const { file } = databaseWithSecret(t);
  const before = fs.readFileSync(keyFileFor(file), 'utf8');
  const other = new Database(file);
  other.prepare('SELECT count(*) FROM sites').get();
  assert.throws(() => rotateSecretKey(file, undefined), (err: Error) => err instanceof RotateKeyError && /open in another process/.test(err.message));
  other.close();
  assert.throws(() => rotateSecretKey(file, crypto.randomBytes(32)), DatabaseOpenError);
  assert.equal(fs.readFileSync(keyFileFor(file), 'utf8'), before);
  const store = openAppStore(file);
  assert.equal(store.listSites()[0]!.headers.Authorization, SECRET);
  store.close();
});

test('secrets sealed field by field in a JSON column (a channel config) move to the new key with the rest', (t) => {
  const { file } = databaseWithSecret(t);
  const store = openAppStore(file);
  // Migration 0008's table, written directly as the channels code stores a sealed config.
  const config = { botToken: '123456:AAE-bot-token-in-clear', chatId: '@ops', apiBaseUrl: 'https://api.telegram.org' };
  const stored = JSON.stringify(sealFields(secretBoxOf(store), config, ['botToken']));
  store.db.prepare(`INSERT INTO channels (name, type, config, created_at, updated_at) VALUES ('ops', 'telegram', ?, 0, 0)`).run(stored);
  store.close();
  assert.equal(rawBytes(file).indexOf('bot-token-in-clear'), -1);

  assert.equal(rotateSecretKey(file, undefined).values, 2);
  const after = openAppStore(file);
  const row = after.db.prepare<[], { config: string }>(`SELECT config FROM channels`).get()!;
  assert.notEqual(row.config, stored);
  assert.deepEqual(openFields(secretBoxOf(after), JSON.parse(row.config) as object, ['botToken']), config);
  after.close();
});
