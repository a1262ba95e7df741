import { getConfig } from '../config';
import { AppError } from '../errors';
import { ipv6Groups } from '../target-policy';
import { clientOf } from './client';

/**
 * Per-client rate limiting for routes anyone can reach without credentials (health, the session probe, event
 * streams in public-read mode; status pages, badges, push and metrics as they arrive). Applying it is one line at
 * the top of a handler, after deciding the caller is anonymous:
 *
 *     limitAnonymous(req);   // throws AppError('rate_limited') → 429 with Retry-After, through errorResponse
 *
 * A token bucket per client key: `burst` requests at once, refilled at `perSecond`. Memory is bounded: past
 * `maxKeys` clients, buckets that have refilled (which remember nothing) are dropped, and if none has, new clients
 * share one overflow bucket — so a flood of distinct addresses neither grows memory nor resets anyone's bucket.
 */

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Clients remembered at most (default 10,000). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly overflow: Bucket;
  private readonly maxKeys: number;
  private lastSweep = -Infinity;

  constructor(private readonly options: RateLimitOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.overflow = { tokens: options.burst, at: 0 };
  }

  /** Takes one request's token for `key`: 0 when allowed, else the milliseconds until one is available. */
  take(key: string, now = Date.now()): number {
    const bucket = this.bucketFor(key, now);
    this.refill(bucket, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.options.perSecond) * 1000);
  }

  /** Clients remembered now (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket, now: number): void {
    const elapsed = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + elapsed * this.options.perSecond);
    bucket.at = now;
  }

  private bucketFor(key: string, now: number): Bucket {
    const known = this.buckets.get(key);
    if (known) return known;
    if (this.buckets.size >= this.maxKeys) this.sweep(now);
    if (this.buckets.size >= this.maxKeys) return this.overflow;
    const fresh = { tokens: this.options.burst, at: now };
    this.buckets.set(key, fresh);
    return fresh;
  }

  /** Drops buckets that are full again: forgetting them changes nothing. At most once a second, so a flood stays O(1). */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.options.perSecond >= this.options.burst) {
        this.buckets.delete(key);
      }
    }
  }
}

/**
 * Whom a request is counted against: the client address as lib/http/client.ts decides it (the socket's, or a
 * trusted proxy's word). IPv6 clients are keyed by their /64, which one host can fill with addresses at will.
 */
export function clientKeyOf(req: Request): string {
  return clientKeyOfAddress(clientOf(req).address);
}

/** The key of one client address (see clientKeyOf). */
export function clientKeyOfAddress(address: string): string {
  const groups = address.includes(':') ? ipv6Groups(address) : null;
  if (!groups) return address;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** Throws 429 with Retry-After when `key` has used its requests. */
export function enforceRateLimit(limiter: RateLimiter, key: string, now = Date.now()): void {
  const waitMs = limiter.take(key, now);
  if (waitMs === 0) return;
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  throw new AppError('rate_limited', `Too many requests; try again in ${seconds} s`, undefined, {
    retryAfterSeconds: seconds,
  });
}

const KEY = Symbol.for('upbeat.anonymousLimiter');
type Holder = { [KEY]?: RateLimiter };

/** The process's limiter for anonymous requests (`UPBEAT_ANON_RATE`, `UPBEAT_ANON_BURST`), shared by every route. */
export function anonymousLimiter(): RateLimiter {
  const holder = globalThis as Holder;
  holder[KEY] ??= new RateLimiter(getConfig().anonRate);
  return holder[KEY];
}

/** The one line a route reachable without credentials runs for an anonymous caller. */
export function limitAnonymous(req: Request, limiter: RateLimiter = anonymousLimiter()): void {
  enforceRateLimit(limiter, clientKeyOf(req));
}
