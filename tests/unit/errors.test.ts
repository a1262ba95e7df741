import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError, storageUnavailable } from '../../lib/errors';
import { tempDir } from '../helpers/temp-store';

/**
 * A database that is busy or failing answers 503 with Retry-After and a message a person can act on, not a
 * bare 500; mistakes in a statement stay internal errors.
 */

const TOKEN = 'upb_test_errors_0123456789abcdef';

test('a write while another connection holds the database (BEGIN EXCLUSIVE): 503, Retry-After, nothing half-written', async (t) => {
  const file = path.join(tempDir(t), 'upbeat.db');
  // The routes read their configuration once, from this process's environment.
  process.env.UPBEAT_DB = file;
  process.env.UPBEAT_API_TOKEN = TOKEN;
  const { getStore } = await import('../../lib/store');
  const sites = await import('../../app/api/sites/route');
  const store = getStore();
  t.after(() => store.close());
  // A short wait for the lock keeps the test quick; the server's own busy timeout is the same mechanism.
  store.db.pragma('busy_timeout = 50');

  const post = () =>
    sites.POST(
      new Request('http://127.0.0.1/api/sites', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ url: 'http://127.0.0.1:9/', name: 'Held' }),
      }),
    );

  const locker = new Database(file);
  t.after(() => locker.close());
  locker.exec('BEGIN EXCLUSIVE');
  const busy = await post();
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get('retry-after'), '1');
  assert.deepEqual(await busy.json(), { error: { code: 'unavailable', message: 'The database is busy; try again' } });

  locker.exec('ROLLBACK');
  const created = await post();
  assert.equal(created.status, 201, await created.clone().text());
  assert.equal(store.listSites().length, 1, 'the refused write left a row behind');
});

function sqliteErrorOf(run: (db: Database.Database) => void): unknown {
  const db = new Database(':memory:');
  try {
    run(db);
  } catch (err) {
    return err;
  } finally {
    db.close();
  }
  throw new Error('the statement did not fail');
}

test('SqliteError codes: the database’s condition is unavailable, a statement’s mistake is not', () => {
  const constraint = sqliteErrorOf((db) => {
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    db.exec("INSERT INTO t VALUES ('a'), ('a')");
  });
  assert.equal((constraint as { code?: string }).code, 'SQLITE_CONSTRAINT_PRIMARYKEY');
  assert.equal(storageUnavailable(constraint), null);
  const syntax = sqliteErrorOf((db) => db.exec('SELEC 1'));
  assert.equal(storageUnavailable(syntax), null);

  // The same class, with the codes a disk or a lock reports (extended codes carry their primary code first).
  const SqliteError = (constraint as { constructor: new (message: string, code: string) => Error }).constructor;
  const cases: [string, string, number][] = [
    ['SQLITE_BUSY', 'The database is busy; try again', 1],
    ['SQLITE_BUSY_SNAPSHOT', 'The database is busy; try again', 1],
    ['SQLITE_LOCKED', 'The database is busy; try again', 1],
    ['SQLITE_FULL', 'The database cannot grow: its disk is full', 60],
    ['SQLITE_IOERR_WRITE', 'The database could not be read or written', 30],
    ['SQLITE_READONLY_DBMOVED', 'The database is read-only', 60],
    ['SQLITE_CORRUPT', 'The database file is damaged', 60],
  ];
  for (const [code, message, retry] of cases) {
    const mapped = storageUnavailable(new SqliteError('from sqlite', code));
    assert.ok(mapped instanceof AppError, code);
    assert.equal(mapped.code, 'unavailable', code);
    assert.equal(mapped.message, message, code);
    assert.equal(mapped.retryAfterSeconds, retry, code);
  }
  assert.equal(storageUnavailable(new Error('SQLITE_BUSY')), null, 'matched on text, not on the error');
});
