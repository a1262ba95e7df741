import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { purgePublicAnswers } from '../http/public-generation';

/**
 * A few seconds of memory for what anonymous visitors read: when an outage sends everyone to a status page, the
 * page is built once per `ttlMs` and every other request gets the same bytes (and the same ETag, so a client or
 * proxy that has them gets a 304). Bounded: past `maxEntries`, the oldest entry goes.
 */

export interface CachedBody {
  /** UTF-8 bytes, encoded once per cache window. */
  body: Uint8Array;
  contentType: string;
  /** Headers of this body beyond the caching ones (a page's own Content-Security-Policy). */
  headers: Record<string, string>;
  /** A strong validator of `body`. */
  etag: string;
  /** When it was built, epoch ms. */
  builtAt: number;
  /** The same bytes gzipped, made on first use (see gzipOf) and kept as long as the entry. */
  gzip?: { body: Uint8Array; etag: string };
}

/**
 * The entry's bytes gzipped once for every client that takes gzip, with an ETag of its own (a different
 * representation of the same page must not share a validator with the plain one). Compressing per request is
 * what held a status page to a few hundred requests a second: about 2 ms of CPU for 80 KB on this kind of machine.
 */
export function gzipOf(entry: CachedBody): { body: Uint8Array; etag: string } {
  entry.gzip ??= { body: zlib.gzipSync(entry.body, { level: 9 }), etag: `${entry.etag.slice(0, -1)}-gz"` };
  return entry.gzip;
}

export class ShortCache {
  private readonly entries = new Map<string, CachedBody>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {}

  /** The entry for `key`, built by `build` when missing or older than the TTL. Errors from `build` are not kept. */
  get(key: string, build: () => { body: string; contentType: string; headers?: Record<string, string> }, now = Date.now()): CachedBody {
    const known = this.entries.get(key);
    if (known && now - known.builtAt < this.ttlMs) return known;
    const built = build();
    const body = Buffer.from(built.body, 'utf8');
    const etag = `"${crypto.createHash('sha1').update(body).digest('base64url')}"`;
    const entry: CachedBody = { body, contentType: built.contentType, headers: built.headers ?? {}, etag, builtAt: now };
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

const KEY = Symbol.for('upbeat.statusCache');
type Holder = { [KEY]?: ShortCache };

/** Seconds a public status page, its feed and badges are kept, here and by browsers and proxies. */
export const PUBLIC_MAX_AGE_SECONDS = 5;

/**
 * Forgets every public answer kept in this process, here and in the web server's shared cache: an owner's change
 * shows on the next read.
 */
export function purgePublicCache(): void {
  publicCache().clear();
  purgePublicAnswers();
}

/** The process's cache for public status pages and badges (on globalThis: Next.js has several module graphs). */
export function publicCache(): ShortCache {
  const holder = globalThis as Holder;
  holder[KEY] ??= new ShortCache(PUBLIC_MAX_AGE_SECONDS * 1000);
  return holder[KEY];
}
