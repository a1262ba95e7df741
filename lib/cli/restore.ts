/**
 * `npm run restore -- FILE`: replaces the database (UPBEAT_DB) with a backup, after checking the backup and
 * that Upbeat is stopped. See `--help` and lib/backup/restore.ts.
 */
import { ConfigError, getConfig } from '../config';
import { BackupError } from '../backup/errors';
import { restoreDatabase } from '../backup/restore';
import { formatBytes } from '../format-bytes';

const HELP = `Usage: npm run restore -- FILE

Replaces the database (UPBEAT_DB, now %DB%) with the backup FILE. Stop the web server and the
checker first. Before anything is replaced, the backup must pass PRAGMA integrity_check, be an
Upbeat database, and have a schema version this Upbeat knows (an older one is brought up to date
at the next start); the database must not be open in any process, and no checker may have
reported in the last 15 s. The replaced database is kept as <database>.before-restore-<time>.`;

async function main(argv: readonly string[]): Promise<number> {
  const config = getConfig();
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP.replace('%DB%', config.dbPath));
    return 0;
  }
  const unknown = argv.filter((a) => a.startsWith('-'));
  const files = argv.filter((a) => !a.startsWith('-'));
  if (unknown.length > 0 || files.length !== 1) {
    console.error(unknown.length > 0 ? `restore: unknown option ${unknown[0]}` : 'restore: give the one backup FILE to restore');
    console.error('Usage: npm run restore -- FILE   (--help for more)');
    return 2;
  }
  if (config.dbPath === ':memory:') {
    console.error('restore: UPBEAT_DB is :memory:, there is no file to restore into');
    return 2;
  }
  const result = await restoreDatabase(files[0]!, config.dbPath, { onStep: (line) => console.error(`restore: ${line}`) });
  console.log(`restore: ${result.target} now holds the backup (${formatBytes(result.bytes)}, schema version ${result.schemaVersion})`);
  if (result.keptAside) console.log(`restore: the database it replaced is kept as ${result.keptAside}`);
  for (const f of result.movedAside) console.log(`restore: its log, not yet folded in, is kept as ${f}`);
  if (result.schemaVersion < result.knownSchemaVersion) {
    console.log(`restore: the schema is brought up to version ${result.knownSchemaVersion} when Upbeat next starts`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof BackupError || err instanceof ConfigError) {
      console.error(`restore: refused: ${err.message}. Nothing was changed.`);
    } else {
      console.error('restore: failed:', err);
    }
    process.exit(1);
  },
);
