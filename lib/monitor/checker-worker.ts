import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { NewCheck, Site } from '../../db/domain';
import { addressPolicy } from '../target-policy';
import type { CheckerStart, FromChecker, LoopFigures, ToChecker } from './checker-protocol';
import { toCheckOutcome } from './check-outcome';
import { probe, type ProbeOptions } from './probe';
import { Scheduler } from './scheduler';
import { probeOptionsFor, probeTargetOf } from './site-target';
import { osThreadId } from './thread-priority';

/** Results posted at once when this many wait, so one message never carries a burst of thousands. */
const MAX_POST = 256;
const LOOP_RESOLUTION_MS = 10;
/** The load (checks running and waiting) is posted as it changes, but no more often than this, ms. */
const LOAD_EVERY_MS = 20;

/**
 * The checker's side of the thread boundary: the scheduler and the probes on an event loop of their own, so the
 * timestamps of every probe phase are taken here, where no SQLite transaction, page render or API read can
 * delay a callback. It never touches the database: sites come in as messages, results go out in small batches.
 */
export function runChecker(port: MessagePort, start: CheckerStart): void {
  const base: ProbeOptions = {
    ...start.probe,
    ...(start.addressPolicy ? { allowAddress: addressPolicy(start.addressPolicy) } : {}),
  };
  const post = (msg: FromChecker) => port.postMessage(msg);
  let waiting: NewCheck[] = [];
  let batchTimer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (batchTimer) clearTimeout(batchTimer);
    batchTimer = null;
    if (waiting.length === 0) return;
    post({ type: 'results', checks: waiting });
    waiting = [];
  };

  // Cheap figures, fresh: the main thread answers "how many checks are in flight" (a stop's log line, health)
  // from these without waiting for the next full figures, which cost a sort of the lag window each.
  let loadTimer: ReturnType<typeof setTimeout> | null = null;
  let loadPostedAt = 0;
  const postLoad = () => {
    loadTimer = null;
    loadPostedAt = performance.now();
    const { inFlight, queued, bound } = scheduler.lightStats();
    post({ type: 'load', inFlight, queued, bound });
  };
  const noteLoad = () => {
    if (loadTimer) return;
    const wait = LOAD_EVERY_MS - (performance.now() - loadPostedAt);
    if (wait <= 0) postLoad();
    else loadTimer = setTimeout(postLoad, wait);
  };

  const scheduler = new Scheduler({
    concurrency: start.concurrency,
    runCheck: async (site, due) => {
      // queueMicrotask: the scheduler counts this check as running only once this function has been entered.
      queueMicrotask(noteLoad);
      const outcome = toCheckOutcome(await probe(probeTargetOf(site), probeOptionsFor(site, base)));
      waiting.push({ siteId: site.id, lagMs: due.lagMs, ...outcome });
      if (waiting.length >= MAX_POST) flush();
      else batchTimer ??= setTimeout(flush, start.batchEveryMs);
      queueMicrotask(noteLoad);
      return outcome.ok;
    },
  });

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const postStats = () => {
    post({ type: 'stats', scheduler: scheduler.stats(), loop: loopFigures(loop) });
    loop.reset();
  };
  const statsTimer = setInterval(postStats, start.statsEveryMs);

  let started = false;
  let stopping = false;
  const known = new Map<number, Site>();
  port.on('message', (msg: ToChecker) => {
    if (msg.type === 'sites') {
      if (stopping) return;
      if (msg.full) known.clear();
      for (const id of msg.removed) known.delete(id);
      for (const site of msg.upserts) known.set(site.id, site);
      scheduler.sync([...known.values()]);
      if (!started) {
        started = true;
        scheduler.start();
        postStats();
        post({ type: 'ready', tid: osThreadId() });
      }
      return;
    }
    if (msg.type === 'stop' && !stopping) {
      stopping = true;
      void scheduler.stop().then(() => {
        clearInterval(statsTimer);
        if (loadTimer) clearTimeout(loadTimer);
        flush();
        postStats();
        loop.disable();
        post({ type: 'stopped' });
        port.close();
      });
    }
  });
}

function loopFigures(h: ReturnType<typeof monitorEventLoopDelay>): LoopFigures {
  if (h.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const beyond = (ns: number) => Math.round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100;
  return { p50Ms: beyond(h.percentile(50)), p99Ms: beyond(h.percentile(99)), maxMs: beyond(h.max) };
}

// Loaded as a worker (through checker-entry.mjs): start at once with what the main thread gave.
if (parentPort && (workerData as { role?: string } | null)?.role === 'upbeat-checker') {
  runChecker(parentPort, (workerData as { start: CheckerStart }).start);
}
