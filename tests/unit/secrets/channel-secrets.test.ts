import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseOpenError, type Store } from '../../../db';
import { presentChannel } from '../../../lib/api/present-channel';
import { startSender } from '../../../lib/alerts/sender';
import { signWebhook } from '../../../lib/alerts/channels/webhook';
import { makeBackup } from '../../../lib/backup/make-backup';
import { restoreDatabase } from '../../../lib/backup/restore';
import { createChannel, getChannel, listChannels, testChannel, updateChannel } from '../../../lib/channels';
import { AppError } from '../../../lib/errors';
import { ephemeralBox, sealFields } from '../../../lib/secrets/box';
import { keyFileFor } from '../../../lib/secrets/key';
import { rotateSecretKey } from '../../../lib/secrets/rotate';
import { openAppStore } from '../../../lib/store';
import { addSites, transitionRows } from '../../helpers/alert-rows';
import { eventually } from '../../helpers/eventually';
import { tempDir } from '../../helpers/temp-store';
import { startReceiver, type ReceivedHook } from '../../helpers/webhook-receiver';

const vet = { policy: { blockPrivate: false }, resolve: async () => ['127.0.0.1'] };
const HOOK_SECRET = 'sealed-hook-secret-5b21c9e0';
const HEADER_VALUE = 'Bearer sealed-header-77d1f3';
const BOT_TOKEN = '123456:AAE-sealed-bot-token-9a0c';

/** The channels table as SQLite holds it, read apart from the app (every committed row, log included). */
function rawChannelRows(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], string>(`SELECT config FROM channels ORDER BY id`).pluck().all();
  } finally {
    db.close();
  }
}

function rawBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

function openStore(t: TestContext, file: string, key?: Buffer): Store {
  const store = openAppStore(file, key);
  t.after(() => store.close());
  return store;
}

/** Asserts the request carries the webhook signature made with `secret`. */
function assertSigned(hook: ReceivedHook, secret: string) {
  const timestamp = String(hook.headers['x-upbeat-timestamp']);
  assert.equal(hook.headers['x-upbeat-signature'], signWebhook(secret, timestamp, hook.body));
}

async function webhookChannel(store: Store, url: string, name = 'Ops hook') {
  return createChannel(
    store,
    { name, type: 'webhook', config: { url, secret: HOOK_SECRET, headers: { Authorization: HEADER_VALUE } } },
    vet,
  );
}

test('the raw row holds no secret after create and after update; every answer still masks, and sending opens them', async (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openStore(t, file);
  const hook = await startReceiver(t);
  const created = await webhookChannel(store, hook.url);
  const bot = await createChannel(store, { name: 'Bot', type: 'telegram', config: { botToken: BOT_TOKEN, chatId: '@ops_alerts' } }, vet);

  for (const row of rawChannelRows(file)) {
    for (const secret of [HOOK_SECRET, HEADER_VALUE, BOT_TOKEN, hook.url, 'Authorization']) assert.ok(!row.includes(secret), `${secret} in ${row}`);
  }
  // The settings that are not secret stay readable in the row.
  assert.equal((JSON.parse(rawChannelRows(file)[1]!) as { chatId: string }).chatId, '@ops_alerts');

  const shown = listChannels(store).map((c) => presentChannel(c, undefined, []).config);
  assert.deepEqual(shown[0], { chatId: '@ops_alerts', apiBaseUrl: 'https://api.telegram.org', botToken: 'set' });
  assert.deepEqual(shown[1], { url: 'set', secret: 'set', headers: { Authorization: 'set' } });
  assert.deepEqual(presentChannel(getChannel(store, created.id), undefined, []).config, shown[1]);

  const newSecret = 'a-new-secret-after-update-41';
  const updated = await updateChannel(store, created.id, { config: { ...shown[1], secret: newSecret } }, vet);
  assert.equal(updated.config.url, hook.url, 'the masked url kept the stored one');
  await updateChannel(store, bot.id, { name: 'Bot renamed' }, vet);
  for (const row of rawChannelRows(file)) {
    for (const secret of [HOOK_SECRET, newSecret, HEADER_VALUE, BOT_TOKEN, hook.url]) assert.ok(!row.includes(secret), `${secret} in ${row}`);
  }

  const outcome = await testChannel(store, created.id);
  assert.equal(outcome.delivered, true, outcome.error ?? '');
  assert.equal(hook.received[0]!.headers.authorization, HEADER_VALUE);
  assertSigned(hook.received[0]!, newSecret);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  for (const secret of [HOOK_SECRET, newSecret, HEADER_VALUE, BOT_TOKEN]) assert.equal(rawBytes(file).indexOf(secret), -1, secret);
});

test('a row stored in clear before sealing keeps working, and its next write seals it', async (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openStore(t, file);
  const hook = await startReceiver(t);
  store.createChannel({ name: 'Old', type: 'webhook', config: { url: hook.url, secret: HOOK_SECRET }, isDefault: false, enabled: true });
  const id = store.listChannels()[0]!.id;
  assert.ok(rawChannelRows(file)[0]!.includes(HOOK_SECRET), 'the row was not written in clear');

  assert.deepEqual(presentChannel(getChannel(store, id), undefined, []).config, { url: 'set', secret: 'set' });
  assert.equal((await testChannel(store, id)).delivered, true);
  assertSigned(hook.received[0]!, HOOK_SECRET);

  await updateChannel(store, id, { enabled: true }, vet);
  assert.ok(!rawChannelRows(file)[0]!.includes(HOOK_SECRET), 'the first write left the secret in clear');
  assert.equal((await testChannel(store, id)).delivered, true);
  assertSigned(hook.received[1]!, HOOK_SECRET);
});

test('after a key rotation a webhook still signs with its secret, and the old key opens nothing', async (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const hook = await startReceiver(t);
  const before = openAppStore(file);
  const sealedId = (await webhookChannel(before, hook.url)).id;
  // One more row from before sealing: rotation seals it too, in the same move.
  before.createChannel({ name: 'Clear', type: 'telegram', config: { botToken: BOT_TOKEN, chatId: '@ops_alerts' }, isDefault: false, enabled: true });
  const oldKey = fs.readFileSync(keyFileFor(file), 'utf8');
  before.close();

  const outcome = rotateSecretKey(file, undefined);
  assert.equal(outcome.values, 4, 'url, secret, headers and the bot token');
  assert.notEqual(fs.readFileSync(keyFileFor(file), 'utf8'), oldKey);
  for (const row of rawChannelRows(file)) for (const secret of [HOOK_SECRET, BOT_TOKEN, hook.url]) assert.ok(!row.includes(secret));

  const store = openStore(t, file);
  const delivered = await testChannel(store, sealedId);
  assert.equal(delivered.delivered, true, delivered.error ?? '');
  assert.equal(hook.received[0]!.headers.authorization, HEADER_VALUE);
  assertSigned(hook.received[0]!, HOOK_SECRET);

  const old = Buffer.from(oldKey.trim(), 'base64');
  assert.throws(() => openAppStore(file, old), (err: Error) => err instanceof DatabaseOpenError && /cannot be decrypted/.test(err.message));
});

test('a value sealed with another key is never sent: the test button and the sender name the channel', async (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openStore(t, file);
  const hook = await startReceiver(t);
  const good = await webhookChannel(store, hook.url, 'Good hook');
  // A row sealed under a key this database does not hold (copied in from another install, say).
  const foreign = sealFields(ephemeralBox(), { url: hook.url, secret: HOOK_SECRET }, ['url', 'secret']);
  const now = Date.now();
  const info = store.db
    .prepare(`INSERT INTO channels (name, type, config, created_at, updated_at) VALUES ('Foreign hook', 'webhook', ?, ?, ?)`)
    .run(JSON.stringify(foreign), now, now);
  const foreignId = Number(info.lastInsertRowid);

  const tested = await testChannel(store, foreignId);
  assert.equal(tested.delivered, false);
  assert.match(tested.error ?? '', /^channel "Foreign hook" \(id \d+\): stored secrets cannot be decrypted with the key from the key file /);
  await assert.rejects(updateChannel(store, foreignId, { name: 'x' }, vet), (err: Error) => err instanceof AppError && /Foreign hook/.test(err.message));
  // Shown masked all the same, so the list still loads.
  assert.deepEqual(presentChannel(getChannel(store, foreignId), undefined, []).config, { url: 'set', secret: 'set' });

  const [siteId] = addSites(store, 1, { ok: false });
  store.enqueueOutbox(transitionRows(store, siteId!, [foreignId, good.id], 'down'));
  const sender = startSender({ store, pollMs: 10, timeoutMs: 5_000, log: () => {} });
  t.after(() => sender.stop());
  await hook.waitFor(1);
  await eventually('the foreign channel’s attempt to be logged', () => store.listDeliveries(foreignId, { limit: 5 }).some((a) => a.outboxId !== null));
  const attempt = store.listDeliveries(foreignId, { limit: 5 }).find((a) => a.outboxId !== null)!;
  assert.equal(attempt.outcome, 'retry');
  assert.match(attempt.error ?? '', /channel "Foreign hook" .*cannot be decrypted/);
  assert.equal(hook.received.length, 1, 'only the good channel’s message arrived');
  assertSigned(hook.received[0]!, HOOK_SECRET);
});

test('opened with a wrong key, a database with sealed channels stops at start naming the channel', async (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const key = crypto.randomBytes(32);
  const store = openAppStore(file, key);
  await createChannel(store, { name: 'Pager', type: 'telegram', config: { botToken: BOT_TOKEN, chatId: '@ops_alerts' } }, vet);
  store.close();
  assert.throws(
    () => openAppStore(file, crypto.randomBytes(32)),
    (err: Error) =>
      err instanceof DatabaseOpenError &&
      /secrets of channel "Pager" \(id 1\).*cannot be decrypted with the key from UPBEAT_SECRET_KEY/.test(err.message) &&
      !err.message.includes(BOT_TOKEN),
  );
});

test('a backup restored elsewhere opens its channels with the key file, and without it gives out nothing', async (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const hook = await startReceiver(t);
  const store = openAppStore(file);
  const id = (await webhookChannel(store, hook.url)).id;
  store.close();

  const backup = path.join(tempDir(t), 'upbeat-backup.db');
  await makeBackup(file, backup);
  assert.equal(rawBytes(backup).indexOf(HOOK_SECRET), -1, 'the secret is in the backup');
  const restored = path.join(tempDir(t), 'restored', 'upbeat.db');
  await restoreDatabase(backup, restored);

  // Without the key a new one is made beside it, which opens nothing of the old.
  assert.throws(() => openAppStore(restored), /secrets of channel "Ops hook"/);
  fs.copyFileSync(keyFileFor(file), keyFileFor(restored));
  const again = openStore(t, restored);
  const outcome = await testChannel(again, id);
  assert.equal(outcome.delivered, true, outcome.error ?? '');
  assertSigned(hook.received[0]!, HOOK_SECRET);
});
