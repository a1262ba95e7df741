/**
 * Why a backup or a restore did not happen. The CLI prints the message and exits non-zero; callers (tests, the
 * schedule) match on `code`, never on the text.
 */
export type BackupErrorCode =
  /** The database to back up, or the backup to restore, is not there. */
  | 'not_found'
  /** The destination of a backup exists already (the CLI overwrites only when asked). */
  | 'exists'
  /** SQLite cannot read the file, or `PRAGMA integrity_check` finds damage. */
  | 'corrupt'
  /** A sound SQLite file, but not an Upbeat database. */
  | 'not_upbeat'
  /** Written by a newer Upbeat: this build would not know its tables. */
  | 'newer_schema'
  /** Upbeat (web server or checker) has the target database open. */
  | 'running'
  /** The backup file is the target itself, or has a live write-ahead log beside it. */
  | 'invalid'
  /** Stopped before it finished (the checker shutting down). */
  | 'aborted';

export class BackupError extends Error {
  readonly code: BackupErrorCode;
  constructor(code: BackupErrorCode, message: string) {
    super(message);
    this.name = 'BackupError';
    this.code = code;
  }
}
