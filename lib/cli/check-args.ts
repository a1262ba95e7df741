import { SITE_LIMITS } from '../site-limits';
import { DEFAULT_EXPECTED_STATUS } from '../status-codes';
import { OUTPUT_FORMATS, type OutputFormat } from './formats';

/** The one-shot checker's command line: its usage text and the parser that turns argv into options. */

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

export const SHORT_USAGE =
  'usage: npm run check -- [-c N] [-t MS] [-f table|csv|json] [-o FILE] <file|->   (--help for more)\n';

export const CHECK_DEFAULTS = { concurrency: 50, timeoutMs: SITE_LIMITS.timeoutMs.default, format: 'table' } as const;
const CONCURRENCY_MAX = 10000;

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
