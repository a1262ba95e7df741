import type { Store } from '../../db';
import type { NewCheck, Site } from '../../db/domain';
import { toCheckOutcome } from './check-outcome';
import { startSelfReport, type SelfReporter } from './self-report';
import { probe, type ProbeOptions } from './probe';
import { probeOptionsFor, probeTargetOf } from './site-target';
import { Recorder, type RecorderOptions, type RecorderStats } from './recorder';
import { PushWatchdog } from './push-watchdog';
import { Scheduler, type SchedulerStats } from './scheduler';
import type { LoopFigures } from './checker-protocol';
import { getConfig } from '../config';
import { addressPolicy } from '../target-policy';
import { CheckerThread } from './checker-thread';
import type { Retention } from '../../db/retention';
import { startPruner } from './pruner';
import { startConfiguredBackups } from '../backup/schedule';

export interface MonitorOptions {
  store: Store;
  concurrency: number;
  /** How often to look for site changes (made here or by another process), ms. */
  syncMs?: number;
  /** In-process checker only: a resolver or policy function cannot cross to the checker thread. */
  probeOptions?: ProbeOptions;
  /** The connect-time address policy (lib/target-policy.ts), applied on whichever thread probes. */
  addressPolicy?: { blockPrivate: boolean };
  /**
   * Run the scheduler and probes on their own worker thread (checker-thread.ts), so nothing the main thread does
   * (SQLite writes, page renders, API reads) delays a probe's timestamps. Default UPBEAT_CHECKER_THREAD (on);
   * false keeps them on this thread, for debugging.
   */
  thread?: boolean;
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
  /**
   * Settles once the checker has its first list of sites and runs (at once in-process; after the worker has
   * loaded on its own thread, which takes a few hundred ms). Sites added before it are checked all the same.
   */
  ready(): Promise<void>;
  /** The checker thread's id in the operating system once ready (Linux); null in-process or elsewhere. */
  checkerThreadId(): number | null;
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
  const useThread = options.thread ?? getConfig().checkerThread;
  const checker: Checker = useThread
    ? threadChecker(options, (check) => {
        selfReport?.noteLag(check.lagMs);
        recorder.add(check);
      }, (reason) => {
        // Checking has stopped for good: say so where /api/health looks, at once, rather than go quiet.
        console.error(`[monitor] ${reason}`);
        selfReport?.stop();
      })
    : inProcessChecker(options, (check) => recorder.add(check), (lagMs) => selfReport?.noteLag(lagMs));

  let seenRev = -1;
  const syncSites = () => {
    try {
      const rev = store.sitesRevision();
      if (rev === seenRev) return;
      seenRev = rev;
      // Push sites are not probed: their pings come in, and the watchdog notices when one is late.
      checker.sync(store.listSites().filter((site) => site.kind !== 'push'));
    } catch (err) {
      console.error('[monitor] could not read sites:', (err as Error).message);
    }
  };
  syncSites();
  const pushWatchdog = new PushWatchdog({ read: () => store.listPushWatches(), record: (check) => recorder.add(check) });
  pushWatchdog.start();
  const syncTimer = setInterval(syncSites, options.syncMs ?? 250);
  selfReport = startSelfReport({
    sink: store,
    scheduler: () => checker.stats(),
    checkerLoop: () => checker.loopFigures(),
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
    ready: () => checker.ready,
    checkerThreadId: () => checker.osThreadId?.() ?? null,
    stats: () => ({ scheduler: checker.stats(), recorder: recorder.stats(), startedAt }),
    flushNow: () => recorder.flush(),
    stop() {
      stopping ??= (async () => {
        clearInterval(syncTimer);
        pushWatchdog.stop();
        await pruner?.stop();
        await backups?.stop();
        await checker.stop();
        recorder.close();
        selfReport?.stop();
      })();
      return stopping;
    },
  };
}

/** The scheduler and probes, wherever they run: on this thread or on their own. */
interface Checker {
  sync(sites: Site[]): void;
  stats(): SchedulerStats;
  /** The checker's own event loop when it has one (the thread); null when it shares this one. */
  loopFigures(): LoopFigures | null;
  stop(): Promise<void>;
  ready: Promise<void>;
  /** The thread's id in the operating system, when it runs on a thread of its own. */
  osThreadId?: () => number | null;
}

function threadChecker(options: MonitorOptions, record: (check: NewCheck) => void, onDead: (reason: string) => void): Checker {
  const probe = options.probeOptions ?? {};
  if (probe.lookup || probe.allowAddress || probe.signal) {
    throw new Error('probeOptions.lookup, allowAddress and signal cannot cross to the checker thread: pass thread: false');
  }
  const thread = new CheckerThread({
    start: {
      concurrency: options.concurrency,
      addressPolicy: options.addressPolicy ?? null,
      probe: {
        ...(probe.userAgent !== undefined ? { userAgent: probe.userAgent } : {}),
        ...(probe.maxRedirects !== undefined ? { maxRedirects: probe.maxRedirects } : {}),
        ...(probe.ca !== undefined ? { ca: probe.ca } : {}),
      },
      batchEveryMs: 20,
      statsEveryMs: 500,
    },
    onResults: (checks) => {
      for (const check of checks) record(check);
    },
    onDead,
  });
  return {
    sync: (sites) => thread.sync(sites),
    stats: () => thread.stats(),
    loopFigures: () => thread.loopFigures(),
    stop: () => thread.stop(),
    ready: thread.ready,
    osThreadId: () => thread.osThreadId,
  };
}

function inProcessChecker(options: MonitorOptions, record: (check: NewCheck) => void, noteLag: (lagMs: number) => void): Checker {
  const base: ProbeOptions = {
    ...(options.addressPolicy ? { allowAddress: addressPolicy(options.addressPolicy) } : {}),
    ...options.probeOptions,
  };
  const scheduler = new Scheduler({
    concurrency: options.concurrency,
    runCheck: async (site: Site, due) => {
      noteLag(due.lagMs);
      const outcome = toCheckOutcome(await probe(probeTargetOf(site), probeOptionsFor(site, base)));
      record({ siteId: site.id, lagMs: due.lagMs, ...outcome });
      return outcome.ok;
    },
  });
  let started = false;
  return {
    sync(sites) {
      scheduler.sync(sites);
      if (!started) {
        started = true;
        scheduler.start();
      }
    },
    stats: () => scheduler.stats(),
    loopFigures: () => null,
    stop: () => scheduler.stop(),
    ready: Promise.resolve(),
  };
}
