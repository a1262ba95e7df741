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
  internal: 500,
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Per-field problems for `validation`: `{ url: "must start with http:// or https://" }`. */
  readonly fields: Record<string, string> | undefined;
  /** For `rate_limited`: whole seconds until a retry can succeed, sent as `Retry-After`. */
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
