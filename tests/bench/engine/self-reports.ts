/** The monitor's own self-report, read from its database while it runs. */
import type { SelfReportStats } from '../../../lib/monitor/self-report';
import { openAppStore } from '../../../lib/store';
import { summarize } from '../lib/stats';
import { ms, num } from '../lib/table';

export interface BeatFigures {
  beats: number;
  batchWriteMs: number[];
  batchRows: number[];
  /** When each recorder transaction held the event loop, epoch ms [start, end], in order. */
  batchSpans: [number, number][];
  loopP99Ms: number[];
  loopMaxMs: number[];
  /** The checker thread's own event-loop delay p99 per beat (where probes take their timestamps). */
  checkerLoopP99Ms: number[];
  /** The adaptive bound and checks in flight at each beat. */
  bound: number[];
  inFlight: number[];
  heapUsedMb: number[];
}

/**
 * Reads the monitor's own self-report (written into the database every 2 s) while it runs: its recorder batches
 * and event-loop delay, seen from inside the process, so the table's lag can be told apart from the machine's.
 */
export function watchSelfReports(file: string): { stop(): BeatFigures } {
  const store = openAppStore(file);
  const figures: BeatFigures = {
    beats: 0,
    batchWriteMs: [],
    batchRows: [],
    batchSpans: [],
    loopP99Ms: [], loopMaxMs: [], checkerLoopP99Ms: [], bound: [], inFlight: [], heapUsedMb: [] };
  let lastBeat = 0;
  const read = () => {
    try {
      const beat = store.readSelfReport();
      if (!beat || beat.reportedAt === lastBeat || beat.stoppedAt !== null) return;
      lastBeat = beat.reportedAt;
      const stats = beat.stats as Partial<SelfReportStats> | null;
      if (!stats) return;
      figures.beats++;
      for (const b of stats.recentBatches ?? []) {
        figures.batchWriteMs.push(b.writeMs);
        figures.batchRows.push(b.size);
        figures.batchSpans.push([b.at - b.writeMs, b.at]);
      }
      if (stats.eventLoop) {
        figures.loopP99Ms.push(stats.eventLoop.p99Ms);
        figures.loopMaxMs.push(stats.eventLoop.maxMs);
      }
      if (stats.checkerLoop) figures.checkerLoopP99Ms.push(stats.checkerLoop.p99Ms);
      if (stats.scheduler) {
        figures.bound.push(stats.scheduler.bound);
        figures.inFlight.push(stats.scheduler.inFlight);
      }
      if (stats.process) figures.heapUsedMb.push(stats.process.heapUsedBytes / 2 ** 20);
    } catch {
      // busy or mid-write: the next read catches up
    }
  };
  const timer = setInterval(read, 1000);
  return {
    stop() {
      clearInterval(timer);
      store.close();
      return figures;
    },
  };
}

export function describeBeats(f: BeatFigures): string {
  if (f.beats === 0) return 'no self-report read';
  const write = summarize(f.batchWriteMs);
  const rows = summarize(f.batchRows);
  const loop = summarize(f.loopP99Ms);
  const heap = summarize(f.heapUsedMb);
  return (
    `${num(write.count)} recorder batches of ${num(rows.p50)} rows (p50), each one transaction of ` +
    `${ms(write.p50)} p50 / ${ms(write.p99)} p99 / ${ms(write.max)} max; event-loop delay per 2 s beat: p99 ` +
    `${ms(loop.p50)} in the median beat, ${ms(loop.max)} in the worst, longest single delay ` +
    `${ms(Math.max(...f.loopMaxMs))}; heap used ${num(Math.min(...f.heapUsedMb))}-${num(heap.max)} MB` +
    (f.checkerLoopP99Ms.length > 0
      ? `; the checker thread's own event-loop delay p99 ${ms(summarize(f.checkerLoopP99Ms).p50)} in the median ` +
        `beat, ${ms(Math.max(...f.checkerLoopP99Ms))} in the worst`
      : '') +
    (f.bound.length > 0
      ? `; bound ${num(Math.min(...f.bound))}-${num(Math.max(...f.bound))}, in flight up to ${num(Math.max(...f.inFlight))}`
      : '')
  );
}
