/**
 * `npm run backup -- FILE`: a consistent copy of the running database (UPBEAT_DB) at FILE, made with SQLite's
 * online backup while the web server and the checker go on writing. See `--help`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, getConfig } from '../config';
import { BackupError } from '../backup/errors';
import { scheduledBackupName } from '../backup/keep';
import { makeBackup } from '../backup/make-backup';
import { formatBytes } from '../format-bytes';

const HELP = `Usage: npm run backup -- FILE [--force]

Writes a consistent copy of the database (UPBEAT_DB, now %DB%) to FILE while Upbeat keeps running.
FILE may be a folder: the copy is then named upbeat-<time>.db inside it. The copy is written under a
temporary name and renamed when complete, so FILE is never half a backup.

  --force   replace FILE if it exists
  --help    this text

Restore with: npm run restore -- FILE (with Upbeat stopped)`;

/** Progress lines at most this often, so a long copy shows it is moving without flooding a log. */
const PROGRESS_EVERY_MS = 1000;

async function main(argv: readonly string[]): Promise<number> {
  const config = getConfig();
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP.replace('%DB%', config.dbPath));
    return 0;
  }
  const unknown = argv.filter((a) => a.startsWith('-') && a !== '--force');
  const files = argv.filter((a) => !a.startsWith('-'));
  if (unknown.length > 0 || files.length !== 1) {
    console.error(unknown.length > 0 ? `backup: unknown option ${unknown[0]}` : 'backup: give one FILE to write the copy to');
    console.error('Usage: npm run backup -- FILE [--force]   (--help for more)');
    return 2;
  }
  let dest = path.resolve(files[0]!);
  if (fs.existsSync(dest) && fs.statSync(dest).isDirectory()) dest = path.join(dest, scheduledBackupName(Date.now()));

  let lastShown = performance.now();
  const result = await makeBackup(config.dbPath, dest, {
    overwrite: argv.includes('--force'),
    // Its own process: larger steps than the checker's make the copy faster, and no one else's timers wait.
    pagesPerStep: 4096,
    onProgress: ({ totalPages, remainingPages }) => {
      if (performance.now() - lastShown < PROGRESS_EVERY_MS) return;
      lastShown = performance.now();
      const done = totalPages - remainingPages;
      console.error(`backup: ${Math.floor((done / totalPages) * 100)}% (${done.toLocaleString('en-US')} of ${totalPages.toLocaleString('en-US')} pages)`);
    },
  });
  console.log(`backup: wrote ${result.file} (${formatBytes(result.bytes)}) in ${(result.tookMs / 1000).toFixed(1)} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof BackupError || err instanceof ConfigError) {
      console.error(`backup: failed: ${err.message}`);
    } else {
      console.error('backup: failed:', err);
    }
    process.exit(1);
  },
);
