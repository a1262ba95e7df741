import fs from 'node:fs';
import pLimit from 'p-limit';
import { toCheckOutcome } from '../monitor/check-outcome';
import { probe, type CheckResult, type ProbeTarget } from '../monitor/probe';
import { SITE_LIMITS } from '../schemas';
import { addressPolicy } from '../target-policy';
import { DEFAULT_EXPECTED_STATUS, statusRangesOf } from '../status-codes';
import {
  OUTPUT_FORMATS,
  formatCsv,
  formatJson,
  formatProgress,
  formatSummaryLine,
  formatTableHeader,
  formatTableRow,
  urlColumnWidth,
  type UrlResult,
  type OutputFormat,
  type RunSummary,
} from './formats';
import { describeBadLine, parseUrlList, type UrlList } from './read-urls';

/**
 * The one-shot checker behind `npm run check -- <file|->`: reads a URL list, probes every URL once within a
 * concurrency bound, and reports. Everything process-wide (argv, exit, signals) stays in `check-entry.ts`, so this
 * runs in-process in tests with streams of their own.
 */

const TIMEOUT = SITE_LIMITS.timeoutMs;

export const USAGE = `Usage: npm run check -- [options] <file|->

Checks every URL in <file> once, in parallel, and reports which are up.
<file> holds one http:// or https:// URL a line; blank lines, lines starting
with # and anything after " #" are skipped. Use - to read the list from stdin.
A URL listed twice is checked once. Any bad line stops the run before a
single request is made, with every bad line named.

Options:
  -c, --concurrency <n>  checks in flight at once, 1-10000 (default 50)
  -t, --timeout <ms>     time limit of one check, ${TIMEOUT.min}-${TIMEOUT.max} (default ${TIMEOUT.default})
  -f, --format <name>    table: a row as each check finishes, then a summary
                         csv:   RFC 4180, in list order, when all are done
                         json:  { "results": [...], "summary": {...} }, in
                                list order, when all are done
                         (default table)
  -o, --output <file>    write the results to <file> instead of stdout
  -h, --help             show this help

A URL is up when it answers ${DEFAULT_EXPECTED_STATUS} (redirects followed) within the timeout.
Progress goes to stderr. Ctrl-C stops the run and reports the checks done.

Exit status: 0 all up, 1 any down, 2 bad usage or list, 130 interrupted.
`;

const SHORT_USAGE =
  'usage: npm run check -- [-c N] [-t MS] [-f table|csv|json] [-o FILE] <file|->   (--help for more)\n';

export const CHECK_DEFAULTS = { concurrency: 50, timeoutMs: SITE_LIMITS.timeoutMs.default, format: 'table' } as const;
const CONCURRENCY_MAX = 10000;
/** A terminal redraws one line often; a log gets a line now and then, and none at all for a short run. */
const PROGRESS_EVERY_MS = { tty: 100, plain: 5000 } as const;
const MAX_BAD_LINES_SHOWN = 20;

export interface CheckIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal: progress then redraws one line in place instead of printing lines. */
  isTTY?: boolean;
  /** Aborting stops the run: no new checks start, checks in flight are abandoned, the finished ones reported. */
  signal?: AbortSignal;
  /** How often progress is shown; by default 100 ms on a terminal and 5 s otherwise. */
  progressEveryMs?: number;
}

export interface CheckOptions {
  /** A file path, or `-` for stdin. */
  source: string;
  concurrency: number;
  timeoutMs: number;
  format: OutputFormat;
  output: string | null;
  help: boolean;
}

/** Bad usage: reported as one line plus the short usage, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type ValueKey = 'concurrency' | 'timeout' | 'format' | 'output';

const VALUE_FLAGS: Readonly<Record<string, ValueKey>> = {
  '--concurrency': 'concurrency',
  '-c': 'concurrency',
  '--timeout': 'timeout',
  '-t': 'timeout',
  '--format': 'format',
  '-f': 'format',
  '--output': 'output',
  '-o': 'output',
};

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Reads the arguments: `--flag value`, `--flag=value` or `-f value`, in any order around one list argument; `--`
 * ends the options. `--help` anywhere wins over every other problem. Throws UsageError naming the problem.
 */
export function parseCheckArgs(argv: readonly string[]): CheckOptions {
  const endIndex = argv.indexOf('--');
  const optionArgs = endIndex === -1 ? argv : argv.slice(0, endIndex);
  const base = { source: '', ...CHECK_DEFAULTS, output: null };
  if (optionArgs.includes('--help') || optionArgs.includes('-h')) return { ...base, help: true };

  const values: Partial<Record<ValueKey, { flag: string; value: string }>> = {};
  const positionals: string[] = endIndex === -1 ? [] : argv.slice(endIndex + 1);
  for (let i = 0; i < optionArgs.length; i++) {
    const arg = optionArgs[i] ?? '';
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = VALUE_FLAGS[flag];
    if (key === undefined) throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else value = optionArgs[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    values[key] = { flag, value };
  }

  const options: CheckOptions = { ...base, help: false };
  if (values.concurrency) {
    options.concurrency = wholeNumber(values.concurrency.flag, values.concurrency.value, 1, CONCURRENCY_MAX);
  }
  if (values.timeout) {
    const { min, max } = SITE_LIMITS.timeoutMs;
    options.timeoutMs = wholeNumber(values.timeout.flag, values.timeout.value, min, max);
  }
  if (values.format) {
    const format = OUTPUT_FORMATS.find((f) => f === values.format?.value);
    if (format === undefined) {
      throw new UsageError(
        `${values.format.flag} must be ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(values.format.value)}`,
      );
    }
    options.format = format;
  }
  if (values.output) {
    if (values.output.value === '') throw new UsageError(`${values.output.flag} needs a file name`);
    options.output = values.output.value;
  }

  if (positionals.length === 0) throw new UsageError('missing the URL list: give a file, or - to read stdin');
  if (positionals.length > 1) {
    const given = positionals.map((p) => JSON.stringify(p)).join(' ');
    throw new UsageError(`expected one URL list, got ${positionals.length}: ${given}`);
  }
  options.source = positionals[0] ?? '';
  if (options.source === '') throw new UsageError('the URL list name is empty');
  return options;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function fileProblem(err: unknown): string {
  const code = errorCode(err);
  return (code && FILE_PROBLEMS[code]) ?? (code ? `failed (${code})` : String(err));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function readList(source: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (source === '-') return readAll(stdin);
  try {
    return await fs.promises.readFile(source, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${JSON.stringify(source)}: ${fileProblem(err)}`);
  }
}

/** Where results go: stdout as it is, or a file opened before the first request so a bad path costs nothing. */
interface Sink {
  write(text: string): void;
  close(): Promise<void>;
}

async function openSink(output: string | null, stdout: NodeJS.WritableStream): Promise<Sink> {
  if (output === null) {
    return {
      write: (text) => void stdout.write(text),
      close: () => Promise.resolve(),
    };
  }
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(output, 'w');
  } catch (err) {
    throw new UsageError(`cannot write ${JSON.stringify(output)}: ${fileProblem(err)}`);
  }
  const stream = handle.createWriteStream();
  let failure: unknown = null;
  stream.on('error', (err) => (failure ??= err));
  return {
    write: (text) => void stream.write(text),
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end(() => (failure === null ? resolve() : reject(failure)));
        stream.once('error', reject);
      }),
  };
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

interface Progress {
  /** Takes the progress line off a terminal before a result row is written under it. */
  clear(): void;
  stop(): void;
}

function startProgress(io: CheckIo, total: number, counts: () => { done: number; down: number }): Progress {
  const isTTY = io.isTTY === true;
  const every = io.progressEveryMs ?? (isTTY ? PROGRESS_EVERY_MS.tty : PROGRESS_EVERY_MS.plain);
  const started = performance.now();
  let shown: string | null = null;
  const clear = () => {
    if (shown === null) return;
    io.stderr.write('\r\x1b[2K');
    shown = null;
  };
  const timer = setInterval(() => {
    const { done, down } = counts();
    const line = formatProgress(done, total, down);
    if (isTTY) {
      if (line === shown) return;
      io.stderr.write(`\r\x1b[2K${line}`);
      shown = line;
    } else {
      io.stderr.write(`${line} after ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }, every);
  timer.unref();
  return {
    clear,
    stop: () => {
      clearInterval(timer);
      clear();
    },
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

function reportBadLines(io: CheckIo, source: string, list: UrlList): void {
  const where = source === '-' ? 'stdin' : JSON.stringify(source);
  const count = list.bad.length;
  const lines = [`error: ${count} bad line${count === 1 ? '' : 's'} in ${where}, nothing checked:`];
  for (const bad of list.bad.slice(0, MAX_BAD_LINES_SHOWN)) lines.push(`  ${describeBadLine(bad)}`);
  if (count > MAX_BAD_LINES_SHOWN) lines.push(`  … and ${count - MAX_BAD_LINES_SHOWN} more`);
  io.stderr.write(lines.join('\n') + '\n');
}

function reportDuplicates(io: CheckIo, list: UrlList): void {
  const n = list.duplicates.length;
  if (n === 0) return;
  const shown = list.duplicates.slice(0, 5).map((d) => `line ${d.line} repeats line ${d.firstLine}`);
  const more = n > 5 ? `, … ${n - 5} more` : '';
  io.stderr.write(`note: ${n} repeated URL${n === 1 ? '' : 's'} checked once (${shown.join(', ')}${more})\n`);
}

/**
 * Runs the checker with `argv` (the arguments after `npm run check --`) and returns the exit status: 0 all up,
 * 1 any down, 2 bad usage, 130 interrupted through `io.signal`. Never throws for anything a user can cause.
 */
export async function runCheckUrls(argv: readonly string[], io: CheckIo): Promise<number> {
  try {
    const options = parseCheckArgs(argv);
    if (options.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const list = parseUrlList(await readList(options.source, io.stdin));
    if (list.bad.length > 0) {
      reportBadLines(io, options.source, list);
      return 2;
    }
    if (list.urls.length === 0) {
      const where = options.source === '-' ? 'stdin' : JSON.stringify(options.source);
      throw new UsageError(`no URLs in ${where}`);
    }
    reportDuplicates(io, list);
    const sink = await openSink(options.output, io.stdout);
    return await runChecks(options, list, sink, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`error: ${err.message}\n${SHORT_USAGE}`);
    return 2;
  }
}

async function runChecks(options: CheckOptions, list: UrlList, sink: Sink, io: CheckIo): Promise<number> {
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
      const result = await probe(target, { bodyCapBytes: 0, allowAddress: cliPolicy, ...(signal ? { signal } : {}) });
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
