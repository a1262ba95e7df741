/**
 * Failure limiter: at most `max` failures per key within `windowMs`; then the key is refused until the oldest
 * failure leaves the window. In memory, per process: it slows guessing to a crawl, and a restart (which an
 * attacker cannot cause) only resets it.
 *
 * Memory is bounded by `maxKeys`: past it, the keys that failed least recently are forgotten. So a limiter whose
 * keys an attacker can mint (client addresses) can be flooded into forgetting; the account limit is never built
 * on such keys (lib/auth/login-limits.ts tracks only accounts that exist).
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string, now = Date.now()): number {
    const list = this.prune(key, now);
    if (list.length < this.max) return 0;
    return list[list.length - this.max]! + this.windowMs - now;
  }

  fail(key: string, now = Date.now()): void {
    const list = this.prune(key, now);
    list.push(now);
    // Re-inserted so the map's order is least recently failed first.
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size > this.maxKeys) {
      for (const [k] of this.failures) {
        this.failures.delete(k);
        if (this.failures.size <= this.maxKeys * 0.9) break;
      }
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  /** Keys held now (for tests and figures). */
  get size(): number {
    return this.failures.size;
  }

  private prune(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }
}
