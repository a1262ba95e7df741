/**
 * Every failure the app reports to a caller is an AppError with a stable `code`; route handlers turn the code
 * into an HTTP status in exactly one place (`HTTP_STATUS`), and callers match on the code, never on text.
 */
export type AppErrorCode =
  | 'validation'
  | 'invalid_json'
  | 'not_found'
  | 'conflict'
  | 'limit'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'internal';

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  validation: 400,
  invalid_json: 400,
  not_found: 404,
  conflict: 409,
  limit: 409,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Per-field problems for `validation`: `{ url: "must start with http:// or https://" }`. */
  readonly fields: Record<string, string> | undefined;
  /** For `rate_limited` and `unavailable`: whole seconds until a retry can succeed, sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: AppErrorCode,
    message: string,
    fields?: Record<string, string>,
    extra: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/**
 * The database's own condition, told apart by SQLite's result code (`SqliteError.code`, e.g. `SQLITE_BUSY` or the
 * extended `SQLITE_IOERR_WRITE`): the request was fine and a retry can succeed, so callers get `unavailable`
 * (503 with Retry-After) instead of a bare 500. Codes that mean a mistake in a statement (`SQLITE_CONSTRAINT`,
 * `SQLITE_ERROR`, `SQLITE_MISMATCH` …) are not listed: they stay internal errors, logged.
 */
const STORAGE_CONDITIONS: Record<string, { message: string; retryAfterSeconds: number }> = {
  SQLITE_BUSY: { message: 'The database is busy; try again', retryAfterSeconds: 1 },
  SQLITE_LOCKED: { message: 'The database is busy; try again', retryAfterSeconds: 1 },
  SQLITE_SCHEMA: { message: 'The database is busy; try again', retryAfterSeconds: 1 },
  SQLITE_FULL: { message: 'The database cannot grow: its disk is full', retryAfterSeconds: 60 },
  SQLITE_READONLY: { message: 'The database is read-only', retryAfterSeconds: 60 },
  SQLITE_IOERR: { message: 'The database could not be read or written', retryAfterSeconds: 30 },
  SQLITE_CANTOPEN: { message: 'The database could not be opened', retryAfterSeconds: 30 },
  SQLITE_NOMEM: { message: 'The database ran out of memory', retryAfterSeconds: 30 },
  SQLITE_PROTOCOL: { message: 'The database is busy; try again', retryAfterSeconds: 1 },
  SQLITE_CORRUPT: { message: 'The database file is damaged', retryAfterSeconds: 60 },
  SQLITE_NOTADB: { message: 'The database file is damaged', retryAfterSeconds: 60 },
};

/** An `unavailable` AppError for a SqliteError that reports the database's condition; null for anything else. */
export function storageUnavailable(err: unknown): AppError | null {
  if (!(err instanceof Error) || err.name !== 'SqliteError') return null;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  // Extended codes name their primary code first: SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE.
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
  const condition = STORAGE_CONDITIONS[primary];
  if (!condition) return null;
  return new AppError('unavailable', condition.message, undefined, { retryAfterSeconds: condition.retryAfterSeconds });
}
