/**
 * The web server `npm start` runs: Next.js through its custom-server API, behind the one-second shared cache of
 * public answers (micro-cache.ts). Everything else is exactly what `next start` does: the same build, the same
 * instrumentation (the checker thread, the peer hook), the same routes. Loaded from a prebuilt bundle
 * (server-bundle.mjs) like the CLI, so starting compiles nothing.
 */
import http from 'node:http';
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import compression from 'compression';
import next from 'next';
import { getConfig } from '../config';
import { resolveClient } from '../http/client-address';
import { peerOf } from '../http/peer';
import { isAppError } from '../errors';
import { anonymousLimiter, clientKeyOfAddress, enforceRateLimit } from '../http/rate-limit';
import { MicroCache } from './micro-cache';

const config = getConfig();

/** `-p PORT` / `-H HOST` as `next start` takes them, over PORT and HOST. */
function flag(short: string, long: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === short || a === long);
  return at === -1 ? undefined : args[at + 1];
}
const portFlag = flag('-p', '--port');
const port = portFlag !== undefined ? Number(portFlag) : config.port;
const host = flag('-H', '--hostname') ?? config.host;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`upbeat: --port must be a port number 0-65535; got "${portFlag}"`);
  process.exit(2);
}
// As `next start -p` does: the app (its start log's setup link, absolute URLs) reads the port it is served on from
// PORT, in its own copy of lib/config.ts, first read when Next.js starts it below.
// eslint-disable-next-line no-restricted-syntax
process.env.PORT = String(port);
const app = next({ dev: false, dir: process.cwd() });
const handle = app.getRequestHandler();
const cache = new MicroCache();
// What `next start` does for every answer and a custom server must do itself: gzip when the client takes it (the
// `compression` middleware, the one Next.js bundles for its own server); a cached answer is the bytes as sent.
// An answer that already varies on Accept-Encoding chose its encoding itself (the status pages, gzipped once per
// cache window, or plain for a client that refuses gzip) and is left as it is.
//
// Next.js sets a route handler's headers with appendHeader, which leaves Content-Type as a one-element array;
// the middleware's own filter reads only a string, so every JSON answer went out uncompressed. Made a string
// again before it looks.
function compressible(req: IncomingMessage, res: ServerResponse): boolean {
  const vary = res.getHeader('vary');
  if (/(^|,)\s*accept-encoding\s*(,|$)/i.test(Array.isArray(vary) ? vary.join(',') : String(vary ?? ''))) return false;
  const type = res.getHeader('content-type');
  if (Array.isArray(type) && type.length === 1) res.setHeader('content-type', type[0]!);
  return compression.filter(req as never, res as never);
}
/** Next.js's build output: the same bytes to every client and kept by browsers, so worth the default level. */
const compressStatic = compression({ filter: compressible });
/**
 * Everything else is made per request, so its compression is paid per request: the fastest level, as nginx
 * compresses by default. At 10,000 sites the overview's 7 MB of JSON took 170 ms at the default level and 44 ms
 * at this one, for a body a seventh larger (1.76 against 1.55 MB).
 */
const compressDynamic = compression({ filter: compressible, level: zlib.constants.Z_BEST_SPEED });

/** Request headers as the lib/http readers take them. */
function headerSource(req: IncomingMessage): { get(name: string): string | null } {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * An answer from the cache counts against the caller's anonymous limit exactly as the route would count it: the
 * limiter is one object per process, shared with the routes, and the refusal is the routes' own (429, Retry-After,
 * the same JSON error). Refused here, a flood from one address costs no more than the cached answers do.
 */
function refusedHere(req: IncomingMessage, res: ServerResponse): boolean {
  const headers = headerSource(req);
  const client = resolveClient(peerOf(headers), headers, config.trustProxy);
  try {
    enforceRateLimit(anonymousLimiter(), clientKeyOfAddress(client.address));
    return false;
  } catch (err) {
    if (!isAppError(err)) throw err;
    res.writeHead(429, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(err.retryAfterSeconds !== undefined ? { 'retry-after': String(err.retryAfterSeconds) } : {}),
    });
    res.end(JSON.stringify({ error: { code: err.code, message: err.message } }));
    return true;
  }
}

/**
 * A client gone before the end leaves the middleware's zlib stream open, and it outlives its response. The
 * middleware hands its 'drain' listeners to that stream and returns it from `res.on('drain')`: the one way to reach
 * it, and the way `next start` ends it too.
 */
function releaseCompressionStream(res: ServerResponse): void {
  const noop = () => {};
  const stream: unknown = res.on('drain', noop);
  if (stream === res || !(stream instanceof Duplex)) {
    res.off('drain', noop);
    return;
  }
  stream.destroy();
}

async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Next.js's own static files are already served cheaply, and must never use up a reader's limit.
  const key = req.url?.startsWith('/_next/') ? null : cache.keyOf(req);
  if (key !== null) {
    const hit = cache.lookup(key);
    if (hit) {
      if (!refusedHere(req, res)) cache.serve(req, res, hit);
      return;
    }
    cache.capture(key, req, res);
  }
  const compress = req.url?.startsWith('/_next/static/') ? compressStatic : compressDynamic;
  compress(req as never, res as never, () => {});
  res.once('close', () => {
    if (!res.writableFinished) releaseCompressionStream(res);
  });
  await handle(req, res);
}

await app.prepare();
const server = http.createServer((req, res) => {
  onRequest(req, res).catch((err: unknown) => {
    console.error('upbeat: a request failed:', err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Internal server error');
  });
});
server.listen({ port, ...(host ? { host } : {}) }, () => {
  console.log(`upbeat: web server on http://${host ?? 'localhost'}:${port}`);
});
server.on('error', (err) => {
  console.error(`upbeat: cannot listen on ${host ?? '*'}:${port}: ${err.message}`);
  process.exit(1);
});
