import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { matchesEtag } from '../http/etag';
import { publicGeneration } from '../http/public-generation';

/**
 * A shared cache for one second in front of Next.js, in the same process: what a CDN or a reverse proxy would do
 * for public answers, built in. A status page is read by many people at once exactly when something is down; each
 * of those reads went through Next.js's app-route pipeline (about 1 ms of CPU) only to be answered from the route's
 * own short cache. A repeat read now costs a map lookup and a socket write.
 *
 * It knows no route names: the routes decide by their headers. A response is kept only when Next.js answered a GET
 * with 200, `Cache-Control: public` and a `max-age`, no Set-Cookie, and a Vary naming only headers of the key; the
 * request carried no Cookie and no Authorization (so nothing personal can be in it or be served to another). It is
 * held for the shorter of its max-age and HOLD_MS, keyed by the URL and the request headers an answer may depend
 * on: those Vary names (Accept-Encoding; Next.js names its router's headers on every app-router answer), and Host
 * with the forwarded host and protocol, which absolute links in feeds use.
 */

/** The request headers of the key, in order; a response that varies on any other is not kept. */
const KEYED = [
  'accept-encoding',
  'host',
  'x-forwarded-host',
  'x-forwarded-proto',
  'rsc',
  'next-router-state-tree',
  'next-router-prefetch',
  'next-router-segment-prefetch',
  'next-url',
] as const;
const KEYED_SET: ReadonlySet<string> = new Set(KEYED);

/** The longest an answer is held here: the route's own cache decides freshness, this only absorbs bursts. */
export const HOLD_MS = 1000;
const MAX_ENTRIES = 512;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/** Set on every answer that came from here. */
export const HIT_HEADER = 'x-upbeat-cache';

/** Hop-by-hop headers and those the server writes itself; never replayed from the cache. */
const NOT_REPLAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'content-length', 'set-cookie']);

export interface CachedAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  etag: string | null;
  expiresAt: number;
  /** The public generation it was kept under (lib/http/public-generation.ts): an owner's change purges it. */
  generation: number;
}

export class MicroCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private bytes = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The key of a request that may be answered from here, or null when it must go to Next.js. */
  keyOf(req: IncomingMessage): string | null {
    if (req.method !== 'GET' && req.method !== 'HEAD') return null;
    const h = req.headers;
    if (h.cookie !== undefined || h.authorization !== undefined) return null;
    return [req.url ?? '/', ...KEYED.map((name) => one(h[name]))].join('\n');
  }

  /** The fresh answer for `key`, if any. */
  lookup(key: string): CachedAnswer | null {
    const entry = this.entries.get(key);
    if (!entry) {
      this.missCount++;
      return null;
    }
    if (entry.expiresAt <= this.now() || entry.generation !== publicGeneration()) {
      this.drop(key, entry);
      this.missCount++;
      return null;
    }
    this.hitCount++;
    return entry;
  }

  /**
   * Writes a cached answer: 304 when the client has these bytes, no body for HEAD. `X-Upbeat-Cache: hit` says where
   * it came from, as CDNs say theirs (for whoever debugs a stale page, and for the tests).
   */
  serve(req: IncomingMessage, res: ServerResponse, entry: CachedAnswer): void {
    if (entry.etag !== null && matchesEtag(req.headers['if-none-match'], entry.etag)) {
      res.writeHead(304, { ...withoutBodyHeaders(entry.headers), [HIT_HEADER]: 'hit' });
      res.end();
      return;
    }
    res.writeHead(entry.status, { ...entry.headers, 'content-length': entry.body.length, [HIT_HEADER]: 'hit' });
    res.end(req.method === 'HEAD' ? undefined : entry.body);
  }

  /**
   * Lets Next.js's answer to a GET pass through `res` unchanged while keeping a copy, stored at the end if it may be
   * (see the rules above).
   */
  capture(key: string, req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') return;
    // The generation as the request began: a change made while Next.js builds the answer makes it stale at once.
    const generation = publicGeneration();
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    let headArg: OutgoingHttpHeaders = {};
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (tooBig || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buf =
        typeof chunk === 'string'
          ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > MAX_ENTRY_BYTES) {
        tooBig = true;
        chunks.length = 0;
        return;
      }
      chunks.push(buf);
    };
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((...args: unknown[]) => {
      // writeHead(status, [message], [headers]): headers given here may bypass getHeaders().
      const last = args[args.length - 1];
      if (args.length > 1 && last && typeof last === 'object' && !Array.isArray(last)) headArg = last as OutgoingHttpHeaders;
      return writeHead(...args);
    }) as ServerResponse['writeHead'];
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as ServerResponse['write'];
    res.end = ((...args: unknown[]) => {
      if (args.length > 0 && typeof args[0] !== 'function') keep(args[0], args[1]);
      const out = end(...args);
      if (!tooBig) this.store(key, res.statusCode, { ...lowerCased(res.getHeaders()), ...lowerCased(headArg) }, Buffer.concat(chunks), generation);
      return out;
    }) as ServerResponse['end'];
  }

  stats(): { entries: number; bytes: number; hits: number; misses: number } {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hitCount, misses: this.missCount };
  }

  private store(key: string, status: number, headers: OutgoingHttpHeaders, body: Buffer, generation = publicGeneration()): void {
    const maxAgeMs = cacheableFor(status, headers);
    if (maxAgeMs === null) return;
    const kept: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) if (!NOT_REPLAYED.has(name) && value !== undefined) kept[name] = value;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    while (this.entries.size >= MAX_ENTRIES || this.bytes + body.length > MAX_TOTAL_BYTES) {
      const oldest = this.entries.entries().next().value;
      if (!oldest) break;
      this.drop(oldest[0], oldest[1]);
    }
    const etag = headers.etag === undefined ? null : one(headers.etag as string | string[]);
    this.entries.set(key, { status, headers: kept, body, etag, expiresAt: this.now() + Math.min(HOLD_MS, maxAgeMs), generation });
    this.bytes += body.length;
  }

  private drop(key: string, entry: CachedAnswer): void {
    this.entries.delete(key);
    this.bytes -= entry.body.length;
  }
}

/** How long a response may be shared, ms, by its own headers; null when it may not be. */
export function cacheableFor(status: number, headers: OutgoingHttpHeaders): number | null {
  if (status !== 200 || headers['set-cookie'] !== undefined) return null;
  const cc = String(headers['cache-control'] ?? '').toLowerCase();
  const directives = cc.split(',').map((d) => d.trim());
  if (!directives.includes('public') || directives.some((d) => d === 'private' || d === 'no-store' || d === 'no-cache')) return null;
  const maxAge = directives.map((d) => /^max-age=(\d+)$/.exec(d)).find((m) => m !== null);
  if (!maxAge || Number(maxAge[1]) <= 0) return null;
  const vary = String(headers.vary ?? '')
    .toLowerCase()
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (vary.some((v) => !KEYED_SET.has(v))) return null;
  return Number(maxAge[1]) * 1000;
}

function withoutBodyHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (name !== 'content-type' && name !== 'content-encoding') out[name] = value;
  return out;
}

/** Lower-case names, and a one-element list (Next.js sets most headers as lists) as its one value. */
function lowerCased(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = Array.isArray(value) && value.length === 1 ? value[0] : value;
  return out;
}

function one(value: IncomingHttpHeaders[string]): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
