import type { Store } from '../../db';
import type { Site } from '../../db/domain';
import { toCheckOutcome } from './check-outcome';
import { startSelfReport, type SelfReporter } from './self-report';
import { probe, type ProbeOptions } from './probe';
import { probeOptionsFor, probeTargetOf } from './site-target';
import { Recorder, type RecorderOptions, type RecorderStats } from './recorder';
import { PushWatchdog } from './push-watchdog';
import { Scheduler, type SchedulerStats } from './scheduler';
import { getConfig } from '../config';
import type { Retention } from '../../db/retention';
import { startPruner } from './pruner';
import { startConfiguredBackups } from '../backup/schedule';

export interface MonitorOptions {
  store: Store;
  concurrency: number;
  /** How often to look for site changes (made here or by another process), ms. */
  syncMs?: number;
  probeOptions?: ProbeOptions;
  recorder?: RecorderOptions;
  /** How often the checker writes its self-report into the database (see self-report.ts), ms. Default 2,000. */
  selfReportMs?: number;
  /** History retention the pruner keeps to; default the configured one (UPBEAT_RETAIN_*), `false` for no pruner. */
  retention?: Retention | false;
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
  const startedAt = Date.now();
  let selfReport: SelfReporter | null = null;
  const recorder = new Recorder(store, {
    ...options.recorder,
    onFlush: (info) => {
      selfReport?.noteBatch(info);
      options.recorder?.onFlush?.(info);
    },
  });
  const scheduler = new Scheduler({
    concurrency: options.concurrency,
    runCheck: async (site: Site, due) => {
      selfReport?.noteLag(due.lagMs);
      const result = await probe(probeTargetOf(site), probeOptionsFor(site, options.probeOptions));
      const outcome = toCheckOutcome(result);
      recorder.add({ siteId: site.id, lagMs: due.lagMs, ...outcome });
      return outcome.ok;
    },
  });

  let seenRev = -1;
  const syncSites = () => {
    try {
      const rev = store.sitesRevision();
      if (rev === seenRev) return;
      seenRev = rev;
      // Push sites are not probed: their pings come in, and the watchdog notices when one is late.
      scheduler.sync(store.listSites().filter((site) => site.kind !== 'push'));
    } catch (err) {
      console.error('[monitor] could not read sites:', (err as Error).message);
    }
  };
  syncSites();
  scheduler.start();
  const pushWatchdog = new PushWatchdog({ read: () => store.listPushWatches(), record: (check) => recorder.add(check) });
  pushWatchdog.start();
  const syncTimer = setInterval(syncSites, options.syncMs ?? 250);
  selfReport = startSelfReport({
    sink: store,
    scheduler: () => scheduler.stats(),
    recorder: () => recorder.stats(),
    startedAt,
    everyMs: options.selfReportMs,
  });

  // History past retention is deleted in small batches on its own timer (see pruner.ts).
  const retention = options.retention ?? getConfig().retention;
  const pruner = retention === false ? null : startPruner({ store, retention });
  const backups = startConfiguredBackups(store.file); // UPBEAT_BACKUP_DIR unset: none

  let stopping: Promise<void> | null = null;
  return {
    stats: () => ({ scheduler: scheduler.stats(), recorder: recorder.stats(), startedAt }),
    flushNow: () => recorder.flush(),
    stop() {
      stopping ??= (async () => {
        clearInterval(syncTimer);
        pushWatchdog.stop();
        await pruner?.stop();
        await backups?.stop();
        await scheduler.stop();
        recorder.close();
        selfReport?.stop();
      })();
      return stopping;
    },
  };
}
