import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export class DatabaseOpenError extends Error {}

/**
 * Opens (creating if needed) the database file, tunes it and brings its schema up to date. Call once per
 * process and keep the handle: statements are prepared against it.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    } catch (err) {
      throw new DatabaseOpenError(`Cannot create the folder for the database ${file}: ${(err as Error).message}`);
    }
  }
  let db: Db;
  try {
    db = new Database(file);
    // WAL lets the web pages read while the checker writes; NORMAL is durable across a process crash in WAL
    // mode and avoids an fsync per transaction.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (err) {
    throw new DatabaseOpenError(`Cannot open the database ${file}: ${(err as Error).message}`);
  }
  return db;
}

function migrationsDir(): string {
  // Next.js bundles server code, so the module's own location is not always beside the .sql files; every
  // process runs from the project folder, which is the fallback.
  const candidates: string[] = [];
  try {
    // Built with path.join rather than `new URL('./migrations/', …)`, which bundlers take for an asset import.
    candidates.push(path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'));
  } catch {
    // import.meta.url is not a file: URL inside a bundle
  }
  candidates.push(path.join(process.cwd(), 'db', 'migrations'));
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, '0001_init.sql')));
  if (!found) throw new Error(`No migrations found (looked in ${candidates.join(', ')})`);
  return found;
}

interface Migration {
  version: number;
  file: string;
}

function listMigrations(dir: string): Migration[] {
  return fs
    .readdirSync(dir)
    .map((file) => ({ file, match: /^(\d{4})_[\w-]+\.sql$/.exec(file) }))
    .filter((m): m is { file: string; match: RegExpExecArray } => m.match !== null)
    .map(({ file, match }) => ({ version: Number(match[1]), file: path.join(dir, file) }))
    .sort((a, b) => a.version - b.version);
}

/** The newest schema version this build knows: the number of its last migration. */
export function knownSchemaVersion(): number {
  return listMigrations(migrationsDir()).at(-1)?.version ?? 0;
}

/**
 * Applies every migration newer than `PRAGMA user_version`, each in its own immediate transaction. Foreign keys
 * are OFF meanwhile (the pragma is a no-op inside a transaction, so it is set around them): a migration that
 * rebuilds a table drops the old one, which with them ON would cascade and delete every row that refers to it.
 * `PRAGMA foreign_key_check` runs before each commit instead, so a migration cannot leave a dangling reference.
 */
export function migrate(db: Db): number {
  const migrations = listMigrations(migrationsDir());
  const wasOn = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of migrations) {
      // IMMEDIATE takes the write lock before reading user_version, so two processes starting together do not
      // both apply the same migration.
      db.transaction(() => {
        const current = db.pragma('user_version', { simple: true }) as number;
        if (m.version <= current) return;
        db.exec(fs.readFileSync(m.file, 'utf8'));
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) {
          throw new Error(`migration ${path.basename(m.file)} leaves ${broken.length} broken references`);
        }
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    }
  } finally {
    if (wasOn) db.pragma('foreign_keys = ON');
  }
  return db.pragma('user_version', { simple: true }) as number;
}
