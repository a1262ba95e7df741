import type { NewCheck } from '../../db/domain';
import { SampleWindow } from './stats';

/** The one thing the recorder needs from storage: write a batch in one transaction. */
export interface BatchSink {
  recordChecks(batch: readonly NewCheck[]): { recorded: number; dropped: number };
}

export interface RecorderOptions {
  /** Flush at least this often while results are waiting, ms. */
  flushEveryMs?: number;
  /** Flush at once when this many results are waiting. */
  maxBatch?: number;
  /** Called after each batch is written (e.g. to announce new results). */
  onFlush?: (info: BatchInfo) => void;
}

export interface BatchInfo {
  size: number;
  recorded: number;
  dropped: number;
  /** Time the synchronous transaction took, ms. */
  writeMs: number;
  /** How long the oldest result in the batch waited before being written, ms. */
  delayMs: number;
  at: number;
}

export interface RecorderStats {
  pending: number;
  batches: number;
  recorded: number;
  dropped: number;
  failed: number;
  lastBatch: BatchInfo | null;
  writeP99Ms: number;
  delayP99Ms: number;
}

/**
 * Batches check results and writes each batch in one synchronous transaction (every `flushEveryMs` or
 * `maxBatch` rows, whichever comes first). Results never wait on network I/O inside a transaction: the probe
 * is done before a result reaches `add`.
 */
export class Recorder {
  private queue: { check: NewCheck; queuedAt: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly flushEveryMs: number;
  private readonly maxBatch: number;
  private readonly onFlush: ((info: BatchInfo) => void) | undefined;
  private readonly writeTimes = new SampleWindow(2048);
  private readonly delays = new SampleWindow(2048);
  private totals = { batches: 0, recorded: 0, dropped: 0, failed: 0 };
  private lastBatch: BatchInfo | null = null;
  private closed = false;

  constructor(
    private readonly sink: BatchSink,
    options: RecorderOptions = {},
  ) {
    this.flushEveryMs = options.flushEveryMs ?? 250;
    this.maxBatch = options.maxBatch ?? 500;
    this.onFlush = options.onFlush;
  }

  add(check: NewCheck): void {
    if (this.closed) return;
    this.queue.push({ check, queuedAt: performance.now() });
    if (this.queue.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushEveryMs);
  }

  /** Writes everything waiting, now, synchronously. Safe to call from an exit handler. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.queue.length > 0) {
      const items = this.queue.splice(0, this.maxBatch);
      const start = performance.now();
      try {
        const { recorded, dropped } = this.sink.recordChecks(items.map((i) => i.check));
        const writeMs = performance.now() - start;
        const info: BatchInfo = {
          size: items.length,
          recorded,
          dropped,
          writeMs,
          delayMs: start - items[0]!.queuedAt,
          at: Date.now(),
        };
        this.totals.batches++;
        this.totals.recorded += recorded;
        this.totals.dropped += dropped;
        this.writeTimes.add(writeMs);
        this.delays.add(info.delayMs);
        this.lastBatch = info;
        this.onFlush?.(info);
      } catch (err) {
        // A failed write (disk full, database locked past the busy timeout) loses this batch but must not stop
        // the monitor; the next batch tries again.
        this.totals.failed += items.length;
        console.error(`[recorder] could not write ${items.length} results:`, (err as Error).message);
      }
    }
  }

  /** Flushes and refuses further results. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  stats(): RecorderStats {
    return {
      pending: this.queue.length,
      ...this.totals,
      lastBatch: this.lastBatch,
      writeP99Ms: this.writeTimes.percentile(99),
      delayP99Ms: this.delays.percentile(99),
    };
  }
}
