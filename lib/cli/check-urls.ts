import { UsageError, SHORT_USAGE, USAGE, parseCheckArgs } from './check-args';
import { openSink, readList } from './list-files';
import { describeBadLine, parseUrlList, type UrlList } from './read-urls';
import { runChecks, type RunIo } from './run-checks';

export { CHECK_DEFAULTS, USAGE, UsageError, parseCheckArgs, type CheckOptions } from './check-args';

/**
 * The one-shot checker behind `npm run check -- <file|->`: reads a URL list, probes every URL once within a
 * concurrency bound, and reports. Everything process-wide (argv, exit, signals) stays in `check-entry.ts`, so this
 * runs in-process in tests with streams of their own.
 */

const MAX_BAD_LINES_SHOWN = 20;

export interface CheckIo extends RunIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
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

