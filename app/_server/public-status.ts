import 'server-only';
import { sendCached } from '@/app/_server/cached';
import { errorResponse } from '@/app/_server/http';
import { isAppError } from '@/lib/errors';
import { clientOf } from '@/lib/http/client';
import { limitAnonymous } from '@/lib/http/rate-limit';
import { publicView, type PublicView } from '@/lib/status/public';

const NOT_FOUND_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><main><h1>No status page here</h1></main></body></html>';

/**
 * One public status view for anyone, no login: counted against the caller's anonymous rate limit (429 with
 * Retry-After), then served from the short cache with Cache-Control and an ETag (304 when unchanged).
 */
export async function servePublicStatus(req: Request, slug: string, view: PublicView): Promise<Response> {
  try {
    limitAnonymous(req);
    const client = clientOf(req);
    const origin = `${client.https ? 'https' : 'http'}://${client.host ?? 'localhost'}`;
    return sendCached(req, publicView(slug, view, origin));
  } catch (err) {
    if (view === 'html' && isAppError(err) && err.code === 'not_found') {
      return new Response(NOT_FOUND_HTML, { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
    return errorResponse(err);
  }
}
