import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { presentSite, MASKED_VALUE } from '../../../lib/api/present';
import { rotateSecretKey } from '../../../lib/secrets/rotate';
import { openAppStore } from '../../../lib/store';
import { newSite } from '../../helpers/factories';
import { tempDir } from '../../helpers/temp-store';

const BODY = '{"token":"upb-body-secret-51c0e9"}';

/** Every byte SQLite keeps for `file`: the database, its log and shared memory. */
function rawBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

function postSite(body: string | null) {
  return newSite({ method: 'POST', requestBody: body, requestContentType: 'application/json' });
}

test('a request body is sealed at rest, read back whole, and shown only as set', (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openAppStore(file);
  const site = store.createSite(postSite(BODY));
  const none = store.createSite(postSite(null));
  assert.equal(store.getSite(site.id)!.requestBody, BODY);
  assert.equal(store.getSite(none.id)!.requestBody, null);
  assert.equal(presentSite(store.getSite(site.id)!).requestBody, MASKED_VALUE);
  assert.equal(presentSite(store.getSite(none.id)!).requestBody, null);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  assert.equal(rawBytes(file).indexOf(BODY), -1, 'the body is in the database file in clear');
});

test('a request body stored in clear before is sealed at the next start, and moves with a key rotation', (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  const store = openAppStore(file);
  const site = store.createSite(postSite(null));
  store.db.prepare(`UPDATE sites SET request_body = ? WHERE id = ?`).run(BODY, site.id);
  store.close();
  assert.notEqual(rawBytes(file).indexOf(BODY), -1, 'the row was not written in clear');

  const again = openAppStore(file);
  assert.equal(again.getSite(site.id)!.requestBody, BODY);
  const column = again.db.prepare<[], { b: string }>(`SELECT request_body AS b FROM sites`).get()!.b;
  again.close();
  assert.match(column, /^v1:/);

  const outcome = rotateSecretKey(file, undefined);
  // The headers ({} sealed) and the body of the one site.
  assert.equal(outcome.values, 2);
  const after = openAppStore(file);
  t.after(() => after.close());
  assert.equal(after.getSite(site.id)!.requestBody, BODY);
  assert.equal(rawBytes(file).indexOf(BODY), -1);
});
