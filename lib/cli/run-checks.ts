import pLimit from 'p-limit';
import { toCheckOutcome } from '../monitor/check-outcome';
import { probe, type CheckResult, type ProbeTarget } from '../monitor/probe';
import { addressPolicy } from '../target-policy';
import { DEFAULT_EXPECTED_STATUS, statusRangesOf } from '../status-codes';
import { fanOutAbort } from './abort-fan';
import type { CheckOptions } from './check-args';
import { fileProblem, type Sink } from './list-files';
import { startProgress, type ProgressIo } from './progress';
import {
  formatCsv,
  formatJson,
  formatSummaryLine,
  formatTableHeader,
  formatTableRow,
  urlColumnWidth,
  type UrlResult,
  type RunSummary,
} from './formats';
import type { UrlList } from './read-urls';

/** The checks of one run: every URL probed once within the concurrency bound, rows and a summary to the sink. */

export interface RunIo extends ProgressIo {
  /** Aborting stops the run: no new checks start, checks in flight are abandoned, the finished ones reported. */
  signal?: AbortSignal;
}

function toRow(url: string, result: CheckResult): UrlResult {
  return {
    url,
    ...toCheckOutcome(result),
    redirects: result.redirects,
    finalUrl: result.finalUrl,
    remoteAddress: result.remoteAddress,
  };
}

/** Resolves when the work is done, or as soon as the signal aborts (work still in flight is left behind). */
function settledOrAborted(work: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return work.then(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Runs the checks and writes the results; the exit status: 0 all up, 1 any down, 2 unwritable output, 130 interrupted. */
export async function runChecks(options: CheckOptions, list: UrlList, sink: Sink, io: RunIo): Promise<number> {
  const { signal } = io;
  const isTable = options.format === 'table';
  const expectedStatus = statusRangesOf(DEFAULT_EXPECTED_STATUS);
  const total = list.urls.length;
  const rows: (UrlResult | undefined)[] = new Array<UrlResult | undefined>(total);
  let done = 0;
  let down = 0;
  const width = urlColumnWidth(list.urls.map((u) => u.url));
  if (isTable) sink.write(formatTableHeader(width));

  const limit = pLimit(options.concurrency);
  const fan = signal ? fanOutAbort(signal) : undefined;
  const progress = startProgress(io, total, () => ({ done, down }));
  const started = performance.now();
  const tasks = list.urls.map((entry, index) =>
    limit(async () => {
      if (signal?.aborted) return;
      // `tcp://` and `tls://` lines are port checks; every other line is an HTTP check.
      const target: ProbeTarget = /^(tcp|tls):/.test(entry.url)
        ? { kind: 'tcp', url: entry.url, timeoutMs: options.timeoutMs }
        : { url: entry.url, method: 'GET', timeoutMs: options.timeoutMs, expectedStatus, followRedirects: true };
      // Only the verdict is reported, so no body is kept.
      // Metadata and link-local addresses are refused here as in the monitor; private ones are allowed (a list of
      // internal hosts is the common case).
      const stop = fan?.take();
      let result: CheckResult;
      try {
        result = await probe(target, { bodyCapBytes: 0, allowAddress: cliPolicy, ...(stop ? { signal: stop.signal } : {}) });
      } finally {
        stop?.release();
      }
      // A check cut short by Ctrl-C says nothing about the site.
      if (signal?.aborted) return;
      const row = toRow(entry.url, result);
      rows[index] = row;
      done++;
      if (!row.ok) down++;
      if (isTable) {
        progress.clear();
        sink.write(formatTableRow(row, width));
      }
    }),
  );
  try {
    await settledOrAborted(Promise.all(tasks), signal);
  } finally {
    progress.stop();
    fan?.close();
  }

  const summary: RunSummary = {
    total,
    checked: done,
    up: done - down,
    down,
    elapsedMs: performance.now() - started,
    interrupted: done < total,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    duplicates: list.duplicates.length,
  };
  const finished = rows.filter((row): row is UrlResult => row !== undefined);
  if (isTable) sink.write(`\n${formatSummaryLine(summary)}`);
  else if (options.format === 'csv') sink.write(formatCsv(finished));
  else sink.write(formatJson(finished, summary));
  // The summary reaches the terminal even when the results go to a file or a machine format.
  if (!isTable || options.output !== null) io.stderr.write(formatSummaryLine(summary));
  try {
    await sink.close();
  } catch (err) {
    io.stderr.write(`error: cannot write ${JSON.stringify(options.output)}: ${fileProblem(err)}\n`);
    return 2;
  }
  if (summary.interrupted) return 130;
  return down > 0 ? 1 : 0;
}

const cliPolicy = addressPolicy({ blockPrivate: false });
