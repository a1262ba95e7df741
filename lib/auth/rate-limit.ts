/**
 * Failed-login limiter: at most `max` failures per key within `windowMs`; then the key is refused until the
 * oldest failure leaves the window. In memory, per process: it slows guessing to a crawl, and a restart (which an
 * attacker cannot cause) only resets it. Keys are a client address and an account name, limited separately, so
 * neither one address nor many addresses against one account get far.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string, now = Date.now()): number {
    const list = this.prune(key, now);
    if (list.length < this.max) return 0;
    return list[0]! + this.windowMs - now;
  }

  fail(key: string, now = Date.now()): void {
    const list = this.prune(key, now);
    list.push(now);
    this.failures.set(key, list);
    // Bound memory under a flood of distinct keys.
    if (this.failures.size > 10_000) {
      for (const [k] of this.failures) {
        this.failures.delete(k);
        if (this.failures.size <= 5_000) break;
      }
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private prune(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }
}
