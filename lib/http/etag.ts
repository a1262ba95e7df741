/**
 * Whether an If-None-Match header names `etag`: a list, `*`, or weak forms of either side (the weak comparison
 * RFC 9110 asks of a GET). One test for every answer that carries an ETag: the routes' short cache
 * (app/_server/cached.ts) and the web server's shared cache (lib/server/micro-cache.ts).
 */
export function matchesEtag(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
