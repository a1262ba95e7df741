import 'server-only';
import zlib from 'node:zlib';
import { sendCached } from '@/app/_server/cached';
import { errorResponse } from '@/app/_server/http';
import { isAppError } from '@/lib/errors';
import { clientOf } from '@/lib/http/client';
import { limitAnonymous } from '@/lib/http/rate-limit';
import { BARE_CSP } from '@/lib/status/page-csp';
import { publicView, type PublicView } from '@/lib/status/public';

const NOT_FOUND_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><main><h1>No status page here</h1></main></body></html>';

/**
 * One public status view for anyone, no login: counted against the caller's anonymous rate limit (429 with
 * Retry-After), then served from the short cache with Cache-Control and an ETag (304 when unchanged).
 *
 * With `gzip` every answer's body is gzip, whatever its status: next.config.js routes here only requests that
 * take gzip and labels all of their answers `Content-Encoding: gzip`.
 */
export async function servePublicStatus(req: Request, slug: string, view: PublicView, gzip = false): Promise<Response> {
  try {
    limitAnonymous(req);
    const client = clientOf(req);
    const origin = `${client.https ? 'https' : 'http'}://${client.host ?? 'localhost'}`;
    return sendCached(req, publicView(slug, view, origin), gzip);
  } catch (err) {
    const res =
      view === 'html' && isAppError(err) && err.code === 'not_found'
        ? new Response(NOT_FOUND_HTML, { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } })
        : errorResponse(err);
    if (view === 'html') res.headers.set('content-security-policy', BARE_CSP);
    return gzip ? await gzipped(res) : res;
  }
}

/**
 * Error bodies compressed once: a flood from one address is answered with the same few 429 bodies (they differ
 * only in the seconds to wait), and compressing each again costs CPU and a zlib context's native memory per answer.
 * Bounded: past MAX_GZIPPED distinct bodies the memo starts over.
 */
const gzippedBodies = new Map<string, Buffer>();
const MAX_GZIPPED = 256;

async function gzipped(res: Response): Promise<Response> {
  const text = await res.text();
  let body = gzippedBodies.get(text);
  if (!body) {
    if (gzippedBodies.size >= MAX_GZIPPED) gzippedBodies.clear();
    body = zlib.gzipSync(text);
    gzippedBodies.set(text, body);
  }
  return new Response(new Uint8Array(body), { status: res.status, headers: res.headers });
}
