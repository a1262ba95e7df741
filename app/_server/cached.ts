import 'server-only';
import { matchesEtag, PUBLIC_MAX_AGE_SECONDS, type CachedBody } from '@/lib/status/short-cache';

/**
 * A cached public body as a response a CDN or reverse proxy may hold for a few seconds: Cache-Control public with
 * a short max-age, the ETag, and 304 without a body when the client already has these bytes.
 */
export function sendCached(req: Request, entry: CachedBody, maxAgeSeconds = PUBLIC_MAX_AGE_SECONDS): Response {
  const headers: Record<string, string> = {
    'cache-control': `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds * 6}`,
    etag: entry.etag,
  };
  if (matchesEtag(req.headers.get('if-none-match'), entry.etag)) return new Response(null, { status: 304, headers });
  return new Response(req.method === 'HEAD' ? null : (entry.body as Uint8Array<ArrayBuffer>), {
    status: 200,
    headers: { ...headers, 'content-type': entry.contentType },
  });
}
