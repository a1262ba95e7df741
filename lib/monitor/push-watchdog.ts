import type { PushWatch } from '../../db';
import type { NewCheck } from '../../db/domain';
import { systemClock, type Clock } from './clock';

/**
 * Notices push sites whose ping is late. A push site is due when its last ping (or, before the first, its
 * creation or last edit) is older than its interval plus its grace; the watchdog then records one failed check,
 * error kind `push`, "no ping since …", and another each interval the silence goes on. The pings themselves are
 * recorded by the route that receives them (lib/push.ts); this only reads when they came, so it works the same
 * with the checker inside the web server or in its own process.
 */
export interface PushWatchdogOptions {
  /** The push sites and their last pings, read fresh on every look (one indexed query). */
  read: () => PushWatch[];
  /** Records a failed check, through the same recorder as every other check. */
  record: (check: NewCheck) => void;
  clock?: Clock;
  /** How often to look, ms. Default 1,000: a late ping is noticed within a second of its deadline. */
  everyMs?: number;
}

export class PushWatchdog {
  private readonly clock: Clock;
  private readonly everyMs: number;
  private timer: unknown = null;
  /** Per site: the silence already reported (its last ping time) and when it was last reported. */
  private readonly reported = new Map<number, { since: number; at: number }>();

  constructor(private readonly options: PushWatchdogOptions) {
    this.clock = options.clock ?? systemClock;
    this.everyMs = options.everyMs ?? 1000;
  }

  start(): void {
    const loop = () => {
      this.look();
      this.timer = this.clock.setTimer(loop, this.everyMs);
    };
    this.timer = this.clock.setTimer(loop, this.everyMs);
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** One look at every push site; records a failed check for each one that is due. */
  look(): void {
    let watches: PushWatch[];
    try {
      watches = this.options.read();
    } catch (err) {
      console.error('[push] could not read push sites:', (err as Error).message);
      return;
    }
    const now = this.clock.now();
    const seen = new Set<number>();
    for (const w of watches) {
      seen.add(w.id);
      if (w.paused) continue;
      const since = Math.max(w.lastPingAt ?? 0, w.updatedAt);
      const intervalMs = w.intervalSeconds * 1000;
      const dueAt = since + intervalMs + w.pushGraceSeconds * 1000;
      if (now < dueAt) continue;
      const last = this.reported.get(w.id);
      // The same silence is reported again once per interval, like a regular check that keeps failing.
      if (last !== undefined && last.since === since && now - last.at < intervalMs) continue;
      this.reported.set(w.id, { since, at: now });
      this.options.record({
        siteId: w.id,
        checkedAt: now,
        ok: false,
        statusCode: null,
        timings: { dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 0, transferMs: 0, totalMs: 0 },
        error: {
          kind: 'push',
          message:
            w.lastPingAt === null
              ? `no ping since the site was set up (${new Date(since).toISOString()})`
              : `no ping since ${new Date(since).toISOString()}`,
        },
        tlsExpiresAt: null,
        tlsIssuer: null,
        lagMs: Math.max(0, now - dueAt),
      });
    }
    for (const id of this.reported.keys()) if (!seen.has(id)) this.reported.delete(id);
  }
}
