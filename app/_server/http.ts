import 'server-only';
import { authorize, type Access, type Principal } from '@/lib/auth/request';
import { AppError, HTTP_STATUS, isAppError, storageUnavailable } from '@/lib/errors';
import { getStore } from '@/lib/store';

/** Request bodies larger than this are refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

/**
 * As json(), for a body written out as UTF-8 JSON in pieces, each sent as it is made: a large answer never sits in
 * memory whole (at 10,000 sites the overview is 5–7 MB, read ten times a second by a busy dashboard client, and
 * whole strings that size piled up as old-generation garbage).
 */
export function jsonChunks(chunks: Iterator<Uint8Array>, status = 200): Response {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
  return new Response(body, { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}

/**
 * The one place an error becomes an HTTP response. A database that is busy or failing is a 503 with Retry-After
 * (see storageUnavailable); other unknown errors are logged and hidden behind a 500.
 */
export function errorResponse(err: unknown): Response {
  const known = isAppError(err) ? err : storageUnavailable(err);
  if (known) {
    const error: { code: string; message: string; fields?: Record<string, string> } = {
      code: known.code,
      message: known.message,
    };
    if (known.fields) error.fields = known.fields;
    const res = json({ error }, HTTP_STATUS[known.code]);
    if (known.retryAfterSeconds !== undefined) res.headers.set('retry-after', String(known.retryAfterSeconds));
    if (known !== err) console.error(`[api] ${known.message}:`, (err as Error).message);
    return res;
  }
  console.error('[api] unexpected error', err);
  return json({ error: { code: 'internal', message: 'Internal error' } }, 500);
}

export interface HandleOptions {
  /**
   * Who may call: `read` and `write` need a session or token (see lib/auth/request.ts); `public` anyone (login and
   * setup). Default: `read` for GET and HEAD, `write` for everything else.
   */
  access?: Access | 'public';
}

const requestPrincipal = new WeakMap<Request, Principal>();

/** The caller a wrapped handler was authorised as (undefined for `public` routes). */
export function principalOf(req: Request): Principal | undefined {
  return requestPrincipal.get(req);
}

/**
 * Wraps a route handler: authorises the request first, then runs it, and turns every thrown error into a JSON
 * response through errorResponse. Every route goes through here, so no route can forget its authority check.
 */
export function handle<A extends [Request, ...unknown[]]>(
  fn: (...args: A) => Promise<Response> | Response,
  options: HandleOptions = {},
) {
  return async (...args: A): Promise<Response> => {
    try {
      const req = args[0];
      const access = options.access ?? (req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write');
      if (access !== 'public') requestPrincipal.set(req, await authorize(getStore(), req, access));
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
  return (await readBodyUpTo(req, MAX_BODY_BYTES, tooLarge)).toString('utf8');
}

/**
 * A request's body, refused with `tooLarge()` as soon as it passes `maxBytes` (declared or counted), never
 * buffered beyond it.
 */
export async function readBodyUpTo(req: Request, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  if (Number(req.headers.get('content-length') ?? '0') > maxBytes) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
