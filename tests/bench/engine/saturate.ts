/**
 * Part `saturate`: the saturation point — the number of sites (every 30 s, defaults) at which start lag p99 passes
 * 1 s — found by stepping through site counts, and what gives first at each step: the monitor's CPU, its main
 * thread's loop (recorder, pruner), the checker thread's loop, or the target server.
 */
import type { Started } from '../lib/proc';
import { ms, num, type Row } from '../lib/table';
import type { Flags } from './flags';
import type { LoadResult } from './harness';
import { runLoad, type LoadFigures } from './load';

const SATURATED_LAG_MS = 1000;

/** Which of the parts looked busiest at a step, in words. */
function busiest(f: LoadFigures): string {
  const parts: [string, number][] = [
    [`monitor CPU ${num(f.monitorCpuPct)}% of a core`, f.monitorCpuPct / 100],
    [`target server CPU ${num(f.targetCpuPct)}% of a core`, f.targetCpuPct / 100],
    // A loop late by a tenth of a second counts as fully busy: past that, timestamps and starts are late.
    [`main-thread loop p99 ${ms(f.mainLoopP99Ms)} (recorder transaction p99 ${ms(f.recorderWriteP99Ms)})`, f.mainLoopP99Ms / 100],
    [`checker-thread loop p99 ${ms(f.checkerLoopP99Ms)}`, f.checkerLoopP99Ms / 100],
  ];
  parts.sort((a, b) => b[1] - a[1]);
  return parts.map(([label]) => label).join(' > ');
}

export async function runSaturate(flags: Flags, port: number, target: Started): Promise<LoadResult> {
  const rows: Row[] = [];
  const notes: string[] = [];
  let saturatedAt: number | null = null;
  for (const sites of flags.saturateSteps) {
    const run = await runLoad({ ...flags, sites, intervalS: 30 }, port, target, { label: `saturate ${num(sites)}`, isDefaults: true });
    const f = run.figures;
    rows.push({
      measure: `  ${num(sites)} sites every 30 s: start lag p99, done`,
      result: `${ms(f.lagP99, 0)}, ${num(f.donePct, 2)}%`,
      target: `p99 ≤ ${num(SATURATED_LAG_MS)} ms`,
      ratio: `bound up to ${num(f.boundMax)}`,
      met: f.lagP99 <= SATURATED_LAG_MS ? 'yes' : 'no',
    });
    notes.push(`saturate ${num(sites)}: busiest first — ${busiest(f)}.`);
    if (f.lagP99 > SATURATED_LAG_MS) {
      saturatedAt = sites;
      break;
    }
  }
  const last = flags.saturateSteps[flags.saturateSteps.length - 1] ?? 0;
  rows.unshift({
    measure: 'Saturation point (sites every 30 s at which start lag p99 passes 1 s)',
    result: saturatedAt === null ? `beyond ${num(last)}` : `≤ ${num(saturatedAt)}`,
    target: 'report',
    ratio: `steps ${flags.saturateSteps.map((n) => num(n)).join(', ')}`,
    met: '—',
  });
  return { rows, notes };
}
