/** The engine benchmark's command-line flags. */

export const PARTS = ['load', 'readers', 'ontime', 'scale', 'saturate', 'curl', 'peak', 'cli'] as const;
export type Part = (typeof PARTS)[number];

export interface Flags {
  only: Set<Part>;
  sites: number;
  /** Sites of the `readers`, `ontime` and `scale` parts. */
  readersSites: number;
  ontimeSites: number;
  scaleSites: number;
  /** Site counts the `saturate` part steps through (every 30 s), until start lag p99 passes 1 s. */
  saturateSteps: number[];
  intervalS: number;
  seconds: number;
  concurrency: number;
  peakSeconds: number;
  peakConcurrency: number;
  urls: number;
  serverWorkers: number;
  isCpuProf: boolean;
  isKeep: boolean;
  isServerClosing: boolean;
  /** Percentage of the load sites that carry assertions (a body substring and a regex, both holding). */
  assertPct: number;
}

function steps(argv: readonly string[]): number[] {
  const at = argv.indexOf('--saturate-steps');
  if (at === -1) return [30000, 40000, 50000, 60000];
  const list = (argv[at + 1] ?? '').split(',').map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1 || n > 200000)) {
    throw new Error('--saturate-steps takes site counts 1-200000, comma-separated, e.g. 30000,40000');
  }
  return list;
}

export function parseFlags(argv: readonly string[]): Flags {
  const value = (name: string, fallback: number, min: number, max: number) => {
    const i = argv.indexOf(name);
    if (i === -1) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} takes a whole number ${min}-${max}`);
    return n;
  };
  const known = new Set([
    '--only', '--sites', '--interval', '--seconds', '--concurrency', '--peak-seconds', '--peak-concurrency',
    '--urls', '--server-workers', '--cpu-prof', '--keep', '--server-closes', '--assert-pct',
    '--readers-sites', '--ontime-sites', '--scale-sites', '--saturate-steps',
  ]);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown flag ${arg}`);
  const onlyAt = argv.indexOf('--only');
  const only = new Set<Part>(PARTS);
  if (onlyAt !== -1) {
    only.clear();
    for (const p of (argv[onlyAt + 1] ?? '').split(',')) {
      if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only takes ${PARTS.join(', ')}; got "${p}"`);
      only.add(p as Part);
    }
  }
  return {
    only,
    sites: value('--sites', 10000, 1, 200000),
    readersSites: value('--readers-sites', 10000, 1, 200000),
    ontimeSites: value('--ontime-sites', 10000, 1, 200000),
    scaleSites: value('--scale-sites', 30000, 1, 200000),
    saturateSteps: steps(argv),
    intervalS: value('--interval', 30, 1, 3600),
    seconds: value('--seconds', 150, 1, 3600),
    concurrency: value('--concurrency', 200, 1, 10000),
    peakSeconds: value('--peak-seconds', 15, 4, 600),
    peakConcurrency: value('--peak-concurrency', 256, 1, 10000),
    urls: value('--urls', 1000, 1, 100000),
    serverWorkers: value('--server-workers', 1, 1, 16),
    isCpuProf: argv.includes('--cpu-prof'),
    isKeep: argv.includes('--keep'),
    isServerClosing: argv.includes('--server-closes'),
    assertPct: value('--assert-pct', 0, 0, 100),
  };
}
