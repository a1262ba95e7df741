import { AppError, HTTP_STATUS, isAppError } from '../errors';

/** Request bodies larger than this are refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

/** The one place an error becomes an HTTP response. Unknown errors are logged and hidden behind a 500. */
export function errorResponse(err: unknown): Response {
  if (isAppError(err)) {
    const error: { code: string; message: string; fields?: Record<string, string> } = {
      code: err.code,
      message: err.message,
    };
    if (err.fields) error.fields = err.fields;
    return json({ error }, HTTP_STATUS[err.code]);
  }
  console.error('[api] unexpected error', err);
  return json({ error: { code: 'internal', message: 'Internal error' } }, 500);
}

/** Wraps a route handler so every thrown error goes through errorResponse. */
export function handle<A extends unknown[]>(fn: (...args: A) => Promise<Response> | Response) {
  return async (...args: A): Promise<Response> => {
    try {
      return await fn(...args);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Reads a JSON body of at most MAX_BODY_BYTES; 413 when larger, 400 when not JSON. */
export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (type !== '' && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json');
  }
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await readLimited(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The body is not valid JSON', { _: 'must be valid JSON' });
  }
}

function tooLarge() {
  return new AppError('payload_too_large', `The body must be at most ${MAX_BODY_BYTES} bytes`);
}

async function readLimited(req: Request): Promise<string> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
