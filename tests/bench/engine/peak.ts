/** Part `peak`: peak sustained checks per second on fresh connections, the probe in this process. */
import pLimit from 'p-limit';
import { sitePath } from '../lib/delays';
import { countTimeWait, sysctl, type Started } from '../lib/proc';
import { summarize } from '../lib/stats';
import { ms, num, type Row } from '../lib/table';
import { CpuMeter, describeNoise } from './cpu-meter';
import type { Flags } from './flags';
import { log, type LoadResult } from './harness';

export async function runPeak(flags: Flags, targetPort: number, target: Started): Promise<LoadResult> {
  const { probe } = await import('../../../lib/monitor/probe');
  const concurrency = flags.peakConcurrency;
  const delayMs = 50;
  const ideal = concurrency / (delayMs / 1000);
  const limit = pLimit(concurrency);
  const warmupMs = 2000;
  const durationMs = flags.peakSeconds * 1000;
  const expectedStatus = [[200, 399] as const];
  const finishes: number[] = [];
  const totals: number[] = [];
  const connects: number[] = [];
  const ttfbs: number[] = [];
  const errors = new Map<string, number>();
  let n = 0;

  log(`peak: ${flags.peakSeconds} s of checks at concurrency ${concurrency} against ${delayMs} ms targets`);
  const begun = performance.now();
  const end = begun + durationMs;
  const meter = new CpuMeter([process.pid, target.pid]);
  let isMetered = false;
  const meterStart = setTimeout(() => {
    isMetered = true;
    meter.begin();
  }, warmupMs);

  const one = async (): Promise<void> => {
    const i = ++n;
    const result = await probe({
      url: `http://127.0.0.1:${targetPort}${sitePath((i % 10000) + 1, delayMs)}`,
      method: 'GET',
      timeoutMs: 10000,
      expectedStatus,
      followRedirects: false,
    });
    const at = performance.now();
    if (result.ok) {
      finishes.push(at - begun);
      if (at - begun >= warmupMs && at < end) {
        totals.push(result.timings.totalMs);
        connects.push(result.timings.connectMs);
        ttfbs.push(result.timings.ttfbMs);
      }
    } else {
      const kind = result.error?.kind ?? 'status';
      errors.set(kind, (errors.get(kind) ?? 0) + 1);
    }
  };
  // `concurrency` chains through one limiter: each finished check queues the next until the time is up.
  const chain = async (): Promise<void> => {
    while (performance.now() < end) await limit(one);
  };
  await Promise.all(Array.from({ length: concurrency }, chain));
  clearTimeout(meterStart);
  const cpu = isMetered ? meter.end() : null;
  const timeWait = countTimeWait(targetPort);

  const steadyMs = durationMs - warmupMs;
  const steady = finishes.filter((t) => t >= warmupMs && t < durationMs).length;
  const rate = steady / (steadyMs / 1000);
  const perSecond: number[] = [];
  for (let s = warmupMs; s + 1000 <= durationMs; s += 1000) {
    perSecond.push(finishes.filter((t) => t >= s && t < s + 1000).length);
  }
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const total = summarize(totals);
  const connect = summarize(connects);
  const ttfb = summarize(ttfbs);
  const rows: Row[] = [
    {
      measure: `Peak checks/s, fresh connections, concurrency ${concurrency}, ${delayMs} ms targets`,
      result: `${num(rate)}/s`,
      target: '≥ 2,000/s',
      ratio: `${num(rate / ideal, 2)}× ideal ${num(ideal)}/s`,
      // A rate bought with failures is no rate: more than 0.1% failed checks fails the row.
      met: rate >= 2000 && errorCount <= 0.001 * finishes.length ? 'yes' : 'no',
    },
  ];
  const notes = [
    `peak: probe() in the bench process through p-limit(${concurrency}) for ${flags.peakSeconds} s; rate = passed ` +
      `checks finishing in the last ${num(steadyMs / 1000)} s (first ${warmupMs / 1000} s ramp excluded); ` +
      `per-second min / max ${num(Math.min(...perSecond))} / ${num(Math.max(...perSecond))}; ` +
      `total p50 / p99 ${ms(total.p50, 1)} / ${ms(total.p99, 1)} against ${delayMs} ms injected (connect ` +
      `${ms(connect.p50, 1)} / ${ms(connect.p99, 1)}, ttfb ${ms(ttfb.p50, 1)} / ${ms(ttfb.p99, 1)}); ` +
      `failed ${num(errorCount)}${errors.size ? ` (${[...errors].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}.`,
  ];
  if (cpu) {
    const steadyChecks = finishes.filter((t) => t >= warmupMs && t < durationMs).length;
    const usPerCheck = ((cpu.cpuSeconds[0] ?? NaN) / Math.max(1, steadyChecks)) * 1e6;
    notes.push(
      `peak: CPU over the steady part — checker (this process) ${num(cpu.percentOfCore[0] ?? NaN)}% of one core ` +
        `= ${num(usPerCheck)} µs per check (so one core would top out near ${num(1e6 / usPerCheck)}/s), target ` +
        `server ${num(cpu.percentOfCore[1] ?? NaN)}%; TIME_WAIT sockets at the end ` +
        `${timeWait === null ? 'n/a' : `${num(timeWait.total)}, ${num(timeWait.serverSide)} of them on the server's side`} (ip_local_port_range ` +
        `${sysctl('net.ipv4.ip_local_port_range') ?? 'n/a'}, tcp_tw_reuse ${sysctl('net.ipv4.tcp_tw_reuse') ?? 'n/a'}).`,
      `peak noise: ${describeNoise(cpu, ['checker', 'target'])}.`,
    );
  }
  return { rows, notes };
}
