import 'server-only';
import { matchesEtag } from '@/lib/http/etag';
import { gzipOf, PUBLIC_MAX_AGE_SECONDS, type CachedBody } from '@/lib/status/short-cache';

/**
 * A cached public body as a response a CDN or reverse proxy may hold for a few seconds: Cache-Control public with
 * a short max-age, the ETag, and 304 without a body when the client already has these bytes.
 *
 * `gzip` sends the entry's bytes compressed once (lib/status/short-cache.ts) instead of letting the server compress
 * them again for every reader. Next.js drops a Content-Encoding header returned by a route handler, so that header
 * comes from next.config.js, on the paths that are routed here only for clients that take gzip.
 */
export function sendCached(req: Request, entry: CachedBody, gzip = false, maxAgeSeconds = PUBLIC_MAX_AGE_SECONDS): Response {
  const variant = gzip ? gzipOf(entry) : entry;
  const headers: Record<string, string> = {
    'cache-control': `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds * 6}`,
    etag: variant.etag,
    vary: 'accept-encoding',
  };
  if (matchesEtag(req.headers.get('if-none-match'), variant.etag)) return new Response(null, { status: 304, headers: { ...entry.headers, ...headers } });
  return new Response(req.method === 'HEAD' ? null : (variant.body as Uint8Array<ArrayBuffer>), {
    status: 200,
    headers: { ...entry.headers, ...headers, 'content-type': entry.contentType },
  });
}
