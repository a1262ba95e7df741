import type { Store } from '../../db';
import { cutoffOf, MINUTE_DETAIL_HOURS, ROLLUP_TIERS, type Retention, type Tier } from '../../db/retention';

/** What the pruner needs from storage: batched deletes, each one short statement. */
export type PruneSink = Pick<Store, 'pruneChecks' | 'pruneRollups' | 'pruneMinuteDetail' | 'pruneTlsEntries'>;

export interface PrunerOptions {
  store: PruneSink;
  retention: Retention;
  /**
   * Time between passes, ms. Default one minute: a pass at steady state deletes about a minute of history.
   * 0: no timer, passes only through runOnce().
   */
  everyMs?: number;
  /** Delay before the first pass, ms, so a start-up is not slowed by a backlog. Default 10 s. */
  firstAfterMs?: number;
  /** Rows per delete statement. Default 2,000: a few ms of work, so a recorder batch never waits long. */
  batchRows?: number;
  now?: () => number;
  /** Called after each pass (tests, logs). */
  onPass?: (pass: PrunePass) => void;
}

export interface PrunePass {
  at: number;
  /** Rows deleted per table this pass. */
  deleted: Record<Tier | 'tls' | 'detail', number>;
  batches: number;
  /** The longest single delete statement, ms: the longest the writer lock (and this event loop) was held. */
  longestBatchMs: number;
  tookMs: number;
}

export interface PrunerStats {
  passes: number;
  deleted: number;
  longestBatchMs: number;
  lastPass: PrunePass | null;
  failed: number;
}

export interface Pruner {
  /** Runs one pass now (waits for one in progress first). */
  runOnce(): Promise<PrunePass>;
  stats(): PrunerStats;
  /** Stops the timer; a pass in progress stops after its current batch. */
  stop(): Promise<void>;
}

const HOUR = 3_600_000;

/** Lets timers and I/O callbacks (the recorder's flush among them) run between two delete statements. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Keeps history to its retention: every `everyMs`, deletes raw checks and rollups past their tier's cutoff
 * (db/retention.ts) in batches of `batchRows`, each batch its own short transaction with a turn of the event
 * loop between batches, so the recorder — in this process or another — never waits behind more than one batch.
 * Certificate entries no kept check uses go last. A backlog (a long-stopped checker, a lowered retention) is
 * worked off the same way, just over more batches.
 */
export function startPruner(options: PrunerOptions): Pruner {
  const { store, retention } = options;
  const batchRows = options.batchRows ?? 2000;
  const now = options.now ?? Date.now;
  const totals: PrunerStats = { passes: 0, deleted: 0, longestBatchMs: 0, lastPass: null, failed: 0 };
  let stopped = false;
  let running: Promise<PrunePass> | null = null;

  const pass = async (): Promise<PrunePass> => {
    const started = performance.now();
    const at = now();
    const deleted: PrunePass['deleted'] = { raw: 0, minute: 0, hour: 0, day: 0, tls: 0, detail: 0 };
    let batches = 0;
    let longest = 0;
    const drain = async (key: keyof PrunePass['deleted'], batch: () => number) => {
      while (!stopped) {
        const t0 = performance.now();
        const n = batch();
        const ms = performance.now() - t0;
        batches++;
        if (ms > longest) longest = ms;
        deleted[key] += n;
        if (n < batchRows) return;
        await yieldToLoop();
      }
    };
    const rawCutoff = cutoffOf(retention, 'raw', at);
    await drain('raw', () => store.pruneChecks(rawCutoff, batchRows));
    for (const tier of ROLLUP_TIERS) {
      const cutoff = cutoffOf(retention, tier, at);
      await drain(tier, () => store.pruneRollups(tier, cutoff, batchRows));
    }
    // The minute detail of hours past MINUTE_DETAIL_HOURS (the hour rollups themselves stay).
    const detailCutoff = Math.floor(at / HOUR) * HOUR - MINUTE_DETAIL_HOURS * HOUR;
    await drain('detail', () => store.pruneMinuteDetail(detailCutoff, batchRows));
    // After the raw rows: an entry's seen_at is the newest check that used it, so one older than the raw cutoff
    // is referenced by nothing that is kept.
    await drain('tls', () => store.pruneTlsEntries(rawCutoff, batchRows));
    const result: PrunePass = { at, deleted, batches, longestBatchMs: longest, tookMs: performance.now() - started };
    totals.passes++;
    totals.deleted += Object.values(deleted).reduce((a, b) => a + b, 0);
    totals.longestBatchMs = Math.max(totals.longestBatchMs, longest);
    totals.lastPass = result;
    options.onPass?.(result);
    return result;
  };

  const runOnce = (): Promise<PrunePass> => {
    const next = (running ?? Promise.resolve()).catch(() => undefined).then(pass);
    running = next;
    const settle = () => {
      if (running === next) running = null;
    };
    next.then(settle, settle);
    return next;
  };

  let timer: ReturnType<typeof setTimeout> | null = null;
  const everyMs = options.everyMs ?? 60_000;
  const schedule = (delay: number) => {
    if (stopped || everyMs === 0) return;
    timer = setTimeout(() => {
      runOnce().then(
        () => schedule(everyMs),
        (err: unknown) => {
          // A failed pass (database locked past the busy timeout, disk full) is retried next time round.
          totals.failed++;
          console.error('[pruner] pass failed:', (err as Error).message);
          schedule(everyMs);
        },
      );
    }, delay);
    // Pruning alone never keeps a process alive.
    timer.unref?.();
  };
  schedule(Math.min(options.firstAfterMs ?? 10_000, everyMs));

  return {
    runOnce,
    stats: () => ({ ...totals }),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
