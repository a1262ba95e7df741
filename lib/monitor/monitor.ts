import type { Store } from '../../db';
import type { Site } from '../domain';
import { statusRangesOf } from '../status-codes';
import { probe, type ProbeOptions } from './probe';
import { Recorder, type RecorderOptions, type RecorderStats } from './recorder';
import { Scheduler, type SchedulerStats } from './scheduler';

export interface MonitorOptions {
  store: Store;
  concurrency: number;
  /** How often to look for site changes (made here or by another process), ms. */
  syncMs?: number;
  probeOptions?: ProbeOptions;
  recorder?: RecorderOptions;
}

export interface MonitorStats {
  scheduler: SchedulerStats;
  recorder: RecorderStats;
  startedAt: number;
}

export interface Monitor {
  stats(): MonitorStats;
  /** Stops scheduling, lets checks in flight finish (each bounded by its timeout), writes what is left. */
  stop(): Promise<void>;
  /** Writes waiting results at once, synchronously (for exit handlers). */
  flushNow(): void;
}

/**
 * The checker: the scheduler decides when, the probe checks, the recorder writes. It learns of site changes by
 * polling a revision counter in the database, so a site added through the web process reaches a checker running
 * as its own process the same way it reaches one running inside the web server.
 */
export function startMonitor(options: MonitorOptions): Monitor {
  const { store } = options;
  const recorder = new Recorder(store, options.recorder);
  const scheduler = new Scheduler({
    concurrency: options.concurrency,
    runCheck: async (site: Site, due) => {
      const result = await probe(
        {
          url: site.url,
          method: site.method,
          timeoutMs: site.timeoutMs,
          expectedStatus: statusRangesOf(site.expectedStatus),
          followRedirects: site.followRedirects,
        },
        options.probeOptions,
      );
      recorder.add({
        siteId: site.id,
        checkedAt: result.startedAt,
        ok: result.ok,
        statusCode: result.statusCode,
        timings: result.timings,
        error: result.error,
        lagMs: due.lagMs,
        tlsExpiresAt: result.tls?.validTo ?? null,
        tlsIssuer: result.tls?.issuer ?? null,
      });
    },
  });

  let seenRev = -1;
  const syncSites = () => {
    try {
      const rev = store.sitesRevision();
      if (rev === seenRev) return;
      seenRev = rev;
      scheduler.sync(store.listSites());
    } catch (err) {
      console.error('[monitor] could not read sites:', (err as Error).message);
    }
  };
  syncSites();
  scheduler.start();
  const syncTimer = setInterval(syncSites, options.syncMs ?? 250);
  const startedAt = Date.now();

  let stopping: Promise<void> | null = null;
  return {
    stats: () => ({ scheduler: scheduler.stats(), recorder: recorder.stats(), startedAt }),
    flushNow: () => recorder.flush(),
    stop() {
      stopping ??= (async () => {
        clearInterval(syncTimer);
        await scheduler.stop();
        recorder.close();
      })();
      return stopping;
    },
  };
}
