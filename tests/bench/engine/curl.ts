/**
 * Part `curl`: Upbeat's probe and curl's `-w` timings of the same target, one after the other, each on a fresh
 * connection: the probe itself is honest when the two agree, and any difference left in the load runs comes from
 * what else the checker's event loop was doing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { sitePath } from '../lib/delays';
import { summarize } from '../lib/stats';
import { ms, num, type Row } from '../lib/table';
import { log, type LoadResult } from './harness';

const CURL = '/usr/bin/curl';
const ROUNDS = 100;
/** Unrecorded pairs first: the checker probes hundreds of sites a second, so its code is always warm. */
const WARMUP = 20;
const DELAY_MS = 50;

/** curl's cumulative times for one GET, ms: connect done, first byte, total. */
function curlOnce(url: string): { connect: number; firstByte: number; total: number } | null {
  const out = spawnSync(CURL, ['-s', '-o', '/dev/null', '-w', '%{time_connect} %{time_starttransfer} %{time_total}', url], {
    encoding: 'utf8',
  });
  const parts = (out.stdout ?? '').trim().split(' ').map(Number);
  if (out.status !== 0 || parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  return { connect: parts[0]! * 1000, firstByte: parts[1]! * 1000, total: parts[2]! * 1000 };
}

export async function runCurl(targetPort: number): Promise<LoadResult> {
  if (!fs.existsSync(CURL)) {
    return {
      rows: [{ measure: 'Phases beside curl -w, same target', result: `no curl at ${CURL}`, target: 'median |Δ| ≤ 0.5 ms', ratio: '', met: '—' }],
      notes: [],
    };
  }
  const { probe } = await import('../../../lib/monitor/probe');
  const url = `http://127.0.0.1:${targetPort}${sitePath(1, DELAY_MS)}`;
  log(`curl: ${ROUNDS} rounds of curl and the probe against ${url}`);
  const totalDiff: number[] = [];
  const firstByteDiff: number[] = [];
  const upbeatTotals: number[] = [];
  const curlTotals: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    curlOnce(url);
    await probe({ url, method: 'GET', timeoutMs: 5000, expectedStatus: [[200, 399]], followRedirects: false });
  }
  for (let i = 0; i < ROUNDS; i++) {
    const c = curlOnce(url);
    const r = await probe({ url, method: 'GET', timeoutMs: 5000, expectedStatus: [[200, 399]], followRedirects: false });
    if (!c || !r.ok) continue;
    const t = r.timings;
    const upbeatFirstByte = t.dnsMs + t.connectMs + t.tlsMs + t.ttfbMs;
    totalDiff.push(t.totalMs - c.total);
    firstByteDiff.push(upbeatFirstByte - c.firstByte);
    upbeatTotals.push(t.totalMs);
    curlTotals.push(c.total);
  }
  // The signed median of the pairwise differences: the target's own timer noise (each answer's wait is late by a
  // different amount on a busy machine) spreads the pairs both ways and cancels; a bias in the probe does not.
  const total = summarize(totalDiff);
  const firstByte = summarize(firstByteDiff);
  const spread = summarize(totalDiff.map(Math.abs));
  const rows: Row[] = [
    {
      measure: `Phases beside curl -w, same target (${DELAY_MS} ms), ${num(total.count)} pairs: median Δ total (Upbeat − curl)`,
      result: ms(total.p50, 2),
      target: '|median| ≤ 0.5 ms',
      ratio: `median Δ first byte ${ms(firstByte.p50, 2)}; pairwise |Δ total| p50 / p95 ${ms(spread.p50, 2)} / ${ms(spread.p95, 2)}`,
      met: total.count > 0 && Math.abs(total.p50) <= 0.5 ? 'yes' : 'no',
    },
  ];
  const notes = [
    `curl: \`curl -s -o /dev/null -w '%{time_connect} %{time_starttransfer} %{time_total}'\` then probe() in the ` +
      `bench process, alternating, each on a fresh connection, after ${WARMUP} unrecorded pairs; total median Upbeat ${ms(summarize(upbeatTotals).p50, 2)}, ` +
      `curl ${ms(summarize(curlTotals).p50, 2)}; Upbeat's first byte = dns + connect + tls + ttfb.`,
  ];
  return { rows, notes };
}
