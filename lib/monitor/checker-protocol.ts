import type { NewCheck, Site } from '../../db/domain';
import type { SchedulerStats } from './scheduler';

/**
 * The messages the main thread and the checker's worker thread speak (checker-thread.ts, checker-worker.ts). The
 * worker owns the schedule and the probes and never touches SQLite; the main thread owns the database and feeds
 * the worker sites, receiving results. Everything here is structured-clone data: no functions, no class instances.
 */

/** Given to the worker at start (`workerData`). */
export interface CheckerStart {
  /** The ceiling of the adaptive bound on checks in flight (UPBEAT_CONCURRENCY). */
  concurrency: number;
  /** The connect-time address policy (lib/target-policy.ts), rebuilt in the worker from this description. */
  addressPolicy: { blockPrivate: boolean } | null;
  /** Serialisable probe options (no resolver, policy function or signal: those cannot cross a thread). */
  probe: { userAgent?: string; maxRedirects?: number; ca?: string | readonly string[] };
  /** Results wait at most this long in the worker before a batch is posted, ms. */
  batchEveryMs: number;
  /** How often the worker posts its figures, ms. */
  statsEveryMs: number;
}

/** Main thread → worker. */
export type ToChecker =
  /**
   * What changed in the list of probed sites since the last message (sent when the sites revision changes;
   * check-now is a field of a site): only changed sites cross, so an edit among 30,000 sites does not make the
   * checker's loop deserialise all of them. `full`: this is the whole list (a new worker), forget any other.
   */
  | { type: 'sites'; upserts: Site[]; removed: number[]; full: boolean }
  /** Stop scheduling, let the checks in flight finish, post their results, then say `stopped`. */
  | { type: 'stop' };

/** How late the worker's own event loop ran its timers since the last figures, ms (beyond sampling resolution). */
export interface LoopFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Worker → main thread. */
export type FromChecker =
  /** The worker has loaded and scheduled its first list. */
  /** `tid`: the thread's id in the operating system (Linux), for its priority (thread-priority.ts). */
  | { type: 'ready'; tid: number | null }
  /** Finished checks, oldest first, each with the start lag the scheduler saw. */
  | { type: 'results'; checks: NewCheck[] }
  | { type: 'stats'; scheduler: SchedulerStats; loop: LoopFigures }
  /** Checks running and waiting now: posted as they change (at most every 20 ms), between the full figures. */
  | { type: 'load'; inFlight: number; queued: number; bound: number }
  /** The last results have been posted; the worker ends after this. */
  | { type: 'stopped' };
