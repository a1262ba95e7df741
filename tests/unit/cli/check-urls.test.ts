import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { CSV_COLUMNS } from '../../../lib/cli/formats';
import { USAGE, runCheckUrls, type CheckIo } from '../../../lib/cli/check-urls';
import { parseCsv } from '../../helpers/csv';
import { eventually } from '../../helpers/eventually';

const root = path.resolve(import.meta.dirname, '../../..');

interface Target {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Every request path seen, in arrival order. */
  seen: string[];
  maxInFlight(): number;
  /** Connections not yet closed. */
  openConnections(): number;
}

/**
 * A real target on 127.0.0.1, port 0: `/ok` 200, `/fail` 500, `/slow?ms=N` 200 after N ms, `/redirect` 302 to
 * `/ok`; anything else 404. It counts requests in flight so a test can assert the concurrency bound.
 */
async function startTarget(t: TestContext): Promise<Target> {
  const seen: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://target');
    seen.push(req.url ?? '');
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const reply = (status: number, headers: http.OutgoingHttpHeaders = {}) => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(`status ${status}\n`);
    };
    if (url.pathname === '/ok') return reply(200);
    if (url.pathname === '/fail') return reply(500);
    if (url.pathname === '/redirect') return reply(302, { location: '/ok' });
    if (url.pathname === '/slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply(200);
      }, Number(url.searchParams.get('ms') ?? 100));
      timers.add(timer);
      return;
    }
    return reply(404);
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    maxInFlight: () => maxInFlight,
    openConnections: () => sockets.size,
  };
}

function tempFile(t: TestContext, name: string, content?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-cli-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  if (content !== undefined) fs.writeFileSync(file, content);
  return file;
}

function sink(onWrite?: (text: string) => void): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      onWrite?.(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

async function run(argv: string[], io: Partial<CheckIo> & { stdinText?: string } = {}): Promise<Run> {
  const out = sink();
  const err = sink();
  const started = performance.now();
  const code = await runCheckUrls(argv, {
    stdin: Readable.from([io.stdinText ?? '']),
    stdout: out.stream,
    stderr: err.stream,
    ...io,
  });
  return { code, stdout: out.text(), stderr: err.text(), ms: performance.now() - started };
}

/** Data rows of a streamed table: between the header and the blank line before the summary. */
function tableRows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  assert.match(lines[0] ?? '', /^URL\s+STATE\s+CODE\s+MS\s+ERROR$/);
  const end = lines.indexOf('');
  return lines.slice(1, end).map((line) => line.split(/\s{2,}/));
}

// ---------------------------------------------------------------------------------------------------------------
// usage

test('--help prints the usage on stdout, about the URL checker alone, and exits 0', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, USAGE);
  assert.match(r.stdout, /^Usage: npm run check -- \[options\] <file\|->/);
  assert.doesNotMatch(r.stdout, /npm run lint|npm test/, 'the developer checks are npm run verify');
  assert.equal(r.stderr, '');
});

test('bad usage exits 2 with one line naming the problem, then the short usage, before any request', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(t, 'urls.txt', `${target.base}/ok\n`);
  const empty = tempFile(t, 'empty.txt', '# nothing yet\n\n');
  const cases: [string[], RegExp][] = [
    [[list, '--frobnicate'], /^error: unknown option "--frobnicate"$/],
    [['-x', list], /^error: unknown option "-x"$/],
    [[path.join(path.dirname(list), 'gone.txt')], /^error: cannot read ".*gone\.txt": no such file or directory$/],
    [[path.dirname(list)], /^error: cannot read ".*": is a directory$/],
    [[list, '--concurrency', '0'], /^error: --concurrency must be a whole number from 1 to 10000, got "0"$/],
    [[list, '-c', '2.5'], /^error: -c must be a whole number from 1 to 10000, got "2.5"$/],
    [[list, '--timeout=fast'], /^error: --timeout must be a whole number from 100 to 60000, got "fast"$/],
    [[list, '--timeout', '99'], /^error: --timeout must be a whole number from 100 to 60000, got "99"$/],
    [[list, '--format', 'xml'], /^error: --format must be table, csv, json, got "xml"$/],
    [[list, '--output'], /^error: --output needs a value$/],
    [[list, '-o', path.join(path.dirname(list), 'no-dir', 'x.csv')], /^error: cannot write ".*x\.csv": no such file/],
    [[], /^error: missing the URL list/],
    [['--format', 'csv'], /^error: missing the URL list/],
    [[list, list], /^error: expected one URL list, got 2/],
    [[empty], /^error: no URLs in ".*empty\.txt"$/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    const lines = r.stderr.split('\n');
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(lines[0] ?? '', message, argv.join(' '));
    assert.match(lines[1] ?? '', /^usage: npm run check -- /);
    assert.equal(lines.length, 3, r.stderr);
    assert.equal(r.stdout, '');
  }
  assert.deepEqual(target.seen, []);
});

test('bad lines exit 2 before any request, naming every bad line', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(
    t,
    'urls.txt',
    ['# mixed', `${target.base}/ok`, 'ftp://x', '', 'nope', `${target.base}/fail`].join('\n'),
  );
  const r = await run([list]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.split('\n'), [
    `error: 2 bad lines in ${JSON.stringify(list)}, nothing checked:`,
    '  line 3: "ftp://x" must start with http:// or https://',
    '  line 5: "nope" is not a valid URL (example: https://example.com/health)',
    '',
  ]);
  assert.deepEqual(target.seen, []);
});

// ---------------------------------------------------------------------------------------------------------------
// checking

test('exits 0 when every URL is up, with a row each and a summary', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(t, 'urls.txt', `${target.base}/ok\n${target.base}/redirect\n`);
  const r = await run([list]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const rows = tableRows(r.stdout);
  assert.deepEqual(rows.map((row) => row.slice(0, 3)).sort(), [
    [`${target.base}/ok`, 'up', '200'],
    [`${target.base}/redirect`, 'up', '200'],
  ]);
  assert.match(r.stdout, /\n\n2 checked: 2 up, 0 down in \d+\.\d\d s \(\d+\.\d checks\/s\)\n$/);
  assert.equal(r.stderr, '');
});

test('exits 1 when any URL is down, and shows why', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(t, 'urls.txt', `${target.base}/ok\n${target.base}/fail\n${target.base}/missing\n`);
  const r = await run([list]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const byUrl = new Map(tableRows(r.stdout).map((row) => [row[0], row]));
  assert.deepEqual(byUrl.get(`${target.base}/fail`)?.slice(1, 3), ['down', '500']);
  assert.match(byUrl.get(`${target.base}/fail`)?.[4] ?? '', /^status: /);
  assert.deepEqual(byUrl.get(`${target.base}/missing`)?.slice(1, 3), ['down', '404']);
  assert.match(r.stdout, /3 checked: 1 up, 2 down/);
});

test('a table prints rows as checks finish: a slow URL listed first prints last', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(
    t,
    'urls.txt',
    [`${target.base}/slow?ms=300`, `${target.base}/ok`, `${target.base}/fail`].join('\n'),
  );
  const r = await run([list]);
  const urls = tableRows(r.stdout).map((row) => row[0]);
  assert.equal(urls.length, 3);
  assert.equal(urls[2], `${target.base}/slow?ms=300`);
  assert.deepEqual(urls.slice(0, 2).sort(), [`${target.base}/fail`, `${target.base}/ok`]);
});

test('CSV lists every URL in list order with its timing phases, properly quoted', async (t) => {
  const target = await startTarget(t);
  const urls = [`${target.base}/slow?ms=150&tag=a,b`, `${target.base}/fail`, `${target.base}/ok`];
  const list = tempFile(t, 'urls.txt', urls.join('\n'));
  const r = await run([list, '--format', 'csv']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const [header, ...records] = parseCsv(r.stdout);
  assert.deepEqual(header, [...CSV_COLUMNS]);
  assert.deepEqual(
    records.map((rec) => rec[0]),
    urls,
  );
  const col = (rec: string[] | undefined, name: (typeof CSV_COLUMNS)[number]) => rec?.[CSV_COLUMNS.indexOf(name)];
  for (const rec of records) {
    assert.equal(rec.length, CSV_COLUMNS.length);
    const phases = (['dns_ms', 'connect_ms', 'tls_ms', 'ttfb_ms', 'transfer_ms'] as const).map((n) =>
      Number(col(rec, n)),
    );
    const totalMs = Number(col(rec, 'total_ms'));
    assert.ok(phases.every((p) => Number.isFinite(p) && p >= 0), rec.join('|'));
    assert.ok(Math.abs(phases.reduce((a, b) => a + b, 0) - totalMs) <= 1, rec.join('|'));
    assert.match(col(rec, 'checked_at') ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(col(rec, 'remote_address'), '127.0.0.1');
  }
  assert.equal(col(records[0], 'state'), 'up');
  assert.ok(Number(col(records[0], 'total_ms')) >= 140, `slow took ${col(records[0], 'total_ms')} ms`);
  assert.deepEqual(
    ['state', 'status_code', 'error_kind'].map((n) => col(records[1], n as (typeof CSV_COLUMNS)[number])),
    ['down', '500', 'status'],
  );
  assert.deepEqual(
    ['state', 'status_code', 'error_kind'].map((n) => col(records[2], n as (typeof CSV_COLUMNS)[number])),
    ['up', '200', ''],
  );
  // Machine formats keep stdout clean: the summary goes to stderr.
  assert.match(r.stderr, /^3 checked: 2 up, 1 down in /);
});

test('JSON holds results in list order and a summary that adds up', async (t) => {
  const target = await startTarget(t);
  const urls = [`${target.base}/slow?ms=120`, `${target.base}/ok`, `${target.base}/fail`];
  const list = tempFile(t, 'urls.txt', urls.join('\n') + `\n${target.base}/ok\n`);
  const r = await run([list, '-f', 'json', '-c', '7', '-t', '5000']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as {
    results: {
      url: string;
      state: string;
      statusCode: number | null;
      error: { kind: string } | null;
      timings: Record<string, number>;
    }[];
    summary: Record<string, unknown>;
  };
  assert.deepEqual(
    report.results.map((x) => [x.url, x.state, x.statusCode, x.error?.kind ?? null]),
    [
      [urls[0], 'up', 200, null],
      [urls[1], 'up', 200, null],
      [urls[2], 'down', 500, 'status'],
    ],
  );
  assert.deepEqual(Object.keys(report.results[0]?.timings ?? {}).sort(), [
    'connectMs',
    'dnsMs',
    'tlsMs',
    'totalMs',
    'transferMs',
    'ttfbMs',
  ]);
  const { elapsedMs, checksPerSecond, ...counts } = report.summary;
  assert.deepEqual(counts, {
    total: 3,
    checked: 3,
    up: 2,
    down: 1,
    interrupted: false,
    concurrency: 7,
    timeoutMs: 5000,
    duplicates: 1,
  });
  assert.ok(typeof elapsedMs === 'number' && elapsedMs >= 100, String(elapsedMs));
  assert.ok(typeof checksPerSecond === 'number' && checksPerSecond > 0);
});

test('--output writes the results to the file and nothing to stdout', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(t, 'urls.txt', `${target.base}/ok\n`);
  const out = path.join(path.dirname(list), 'results.json');
  fs.writeFileSync(out, 'old contents that must go');
  const r = await run([list, `--output=${out}`, '--format=json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { results: { url: string }[] };
  assert.deepEqual(
    report.results.map((x) => x.url),
    [`${target.base}/ok`],
  );
  assert.match(r.stderr, /^1 checked: 1 up, 0 down/);

  const table = path.join(path.dirname(list), 'results.txt');
  const t2 = await run([list, '-o', table]);
  assert.equal(t2.code, 0);
  assert.equal(t2.stdout, '');
  assert.deepEqual(tableRows(fs.readFileSync(table, 'utf8')).map((row) => row[1]), ['up']);
});

test('never has more checks in flight than --concurrency', async (t) => {
  const target = await startTarget(t);
  const urls = Array.from({ length: 12 }, (_, i) => `${target.base}/slow?ms=40&i=${i}`);
  const list = tempFile(t, 'urls.txt', urls.join('\n'));
  const r = await run([list, '--concurrency', '3', '--format', 'csv']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(target.seen.length, 12);
  assert.ok(target.maxInFlight() <= 3, `max in flight ${target.maxInFlight()}`);
  // ... and does use the bound: twelve 40 ms checks three at a time overlap.
  assert.equal(target.maxInFlight(), 3);
});

test('reads the list from stdin with -', async (t) => {
  const target = await startTarget(t);
  const stdinText = `# from a pipe\n${target.base}/ok\n${target.base}/fail\n`;
  const r = await run(['-', '--format', 'csv'], { stdinText });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.deepEqual(
    parseCsv(r.stdout).slice(1).map((rec) => [rec[0], rec[1]]),
    [
      [`${target.base}/ok`, 'up'],
      [`${target.base}/fail`, 'down'],
    ],
  );
});

test('checks a URL listed twice once, and says so', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(t, 'urls.txt', `${target.base}/ok\n${target.base}/fail\n${target.base}/ok\n`);
  const r = await run([list]);
  assert.deepEqual(target.seen.sort(), ['/fail', '/ok']);
  assert.equal(tableRows(r.stdout).length, 2);
  assert.match(r.stderr, /^note: 1 repeated URL checked once \(line 3 repeats line 1\)\n$/);
});

test('a check slower than --timeout is down as a timeout, without waiting for the site', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(t, 'urls.txt', `${target.base}/slow?ms=3000\n`);
  const r = await run([list, '--timeout', '150', '--format', 'json']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as { results: { state: string; error: { kind: string } | null }[] };
  assert.equal(report.results[0]?.state, 'down');
  assert.equal(report.results[0]?.error?.kind, 'timeout');
  assert.ok(r.ms < 1500, `took ${r.ms} ms`);
});

test('aborting stops the run, reports the finished checks and returns 130', async (t) => {
  const target = await startTarget(t);
  const queued = Array.from({ length: 5 }, (_, i) => `${target.base}/slow?ms=5000&i=${i}`);
  const urls = [`${target.base}/slow?ms=5000`, `${target.base}/ok`, ...queued];
  const list = tempFile(t, 'urls.txt', urls.join('\n'));
  const controller = new AbortController();
  const out = sink((text) => {
    if (text.includes('/ok ')) controller.abort();
  });
  const err = sink();
  const started = performance.now();
  const code = await runCheckUrls([list, '-c', '2'], {
    stdin: Readable.from(['']),
    stdout: out.stream,
    stderr: err.stream,
    signal: controller.signal,
  });
  assert.equal(code, 130);
  assert.ok(performance.now() - started < 2000, 'did not wait for checks in flight');
  assert.deepEqual(
    tableRows(out.text()).map((row) => row[0]),
    [`${target.base}/ok`],
  );
  assert.match(out.text(), /interrupted after 1 of 7 checks: 1 up, 0 down/);
  // Checks cut short by the abort settle once they have let go of the target; they must not add rows under the
  // summary.
  const reported = out.text();
  await eventually('the abandoned checks to close their connections', () => target.openConnections() === 0, 2000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(out.text(), reported);
  // The queue stopped: nothing started after the two that were in flight when it was aborted.
  assert.ok(target.seen.length <= 2, target.seen.join(' '));
});

test('the run adds a fixed number of abort listeners to its signal, however long the list', async (t) => {
  const target = await startTarget(t);
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const listeners: number[] = [];
  for (const n of [15, 60]) {
    const urls = Array.from({ length: n }, (_, i) => `${target.base}/slow?ms=200&n=${n}&i=${i}`);
    const list = tempFile(t, 'urls.txt', urls.join('\n'));
    const controller = new AbortController();
    const before = target.seen.length;
    const running = run([list, '-c', String(n), '--format', 'json'], { signal: controller.signal });
    // Every check is in flight once the target has seen all of them: the moment a listener per check would peak.
    await eventually(`${n} checks in flight`, () => target.seen.length - before === n, 5000);
    listeners.push(getEventListeners(controller.signal, 'abort').length);
    const r = await running;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0, 'listeners left on the signal after the run');
  }
  assert.equal(listeners[0], listeners[1], `listeners with 15 vs 60 checks in flight: ${listeners.join(' vs ')}`);
  assert.ok((listeners[0] ?? 0) <= 2, `listeners in flight: ${listeners[0]}`);
  assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
});

test('progress on a terminal redraws one stderr line and clears it before rows and at the end', async (t) => {
  const target = await startTarget(t);
  const list = tempFile(t, 'urls.txt', `${target.base}/ok\n${target.base}/slow?ms=500\n`);
  const r = await run([list], { isTTY: true, progressEveryMs: 20 });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /\r\x1b\[2K\[1\/2\] 0 down/);
  assert.ok(r.stderr.endsWith('\r\x1b[2K'), JSON.stringify(r.stderr.slice(-40)));
  assert.ok(!r.stdout.includes('\r'));
});

test('progress elsewhere is a plain line now and then, and none for a run shorter than the interval', async (t) => {
  const target = await startTarget(t);
  // The slow check is long enough that the quick one is done by some tick however busy the machine is.
  const list = tempFile(t, 'urls.txt', `${target.base}/ok\n${target.base}/slow?ms=600\n`);
  const r = await run([list], { progressEveryMs: 100 });
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.ok(lines.length >= 1 && lines.length <= 7, r.stderr);
  for (const line of lines) assert.match(line, /^\[[01]\/2\] 0 down after \d+ s$/);
  const done = lines.map((line) => Number(line.slice(1, 2)));
  assert.deepEqual(done, [...done].sort(), 'the count never goes back');
  assert.equal(done.at(-1), 1, r.stderr);

  const quick = await run([tempFile(t, 'quick.txt', `${target.base}/ok\n`)]);
  assert.equal(quick.stderr, '');
});

// ---------------------------------------------------------------------------------------------------------------
// end to end, as a child process

function spawnCheck(command: string, args: string[]) {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

// Each starts a process, which is the slow part; they run side by side.
describe('end to end', { concurrency: true }, () => {
  test('`npx tsx lib/cli/check-entry.ts <file>` checks the list and exits 1 on a down URL', async (t) => {
    const target = await startTarget(t);
    const list = tempFile(t, 'urls.txt', `${target.base}/ok\n${target.base}/fail\n`);
    const run = spawnCheck('npx', ['tsx', 'lib/cli/check-entry.ts', list, '--format', 'csv']);
    t.after(() => run.child.kill());
    assert.equal(await run.exited, 1, run.err());
    assert.deepEqual(
      parseCsv(run.out()).slice(1).map((rec) => [rec[0], rec[1], rec[2]]),
      [
        [`${target.base}/ok`, 'up', '200'],
        [`${target.base}/fail`, 'down', '500'],
      ],
    );
  });

  test('the prebuilt bundle runs a 15-URL list without a listener warning, and `npm run check` runs from it', async (t) => {
    const target = await startTarget(t);
    const urls = Array.from({ length: 15 }, (_, i) => `${target.base}/slow?ms=50&i=${i}`);
    const list = tempFile(t, 'urls.txt', urls.join('\n'));
    const outDir = path.dirname(tempFile(t, 'bundle'));
    const build = spawnCheck(process.execPath, ['lib/cli/check-bundle.mjs', '--out', outDir]);
    assert.equal(await build.exited, 0, build.err());
    const bundled = JSON.parse(fs.readFileSync(path.join(outDir, 'check.inputs.json'), 'utf8')) as string[];
    assert.ok(bundled.includes('lib/cli/check-entry.ts') && bundled.includes('lib/cli/run-checks.ts'), bundled.join(' '));
    // Plain Node on the bundle: no TypeScript compiler in the process.
    const run = spawnCheck(process.execPath, [path.join(outDir, 'check.mjs'), list, '--format', 'csv']);
    t.after(() => run.child.kill());
    assert.equal(await run.exited, 0, run.err());
    assert.equal(parseCsv(run.out()).length, 1 + 15);
    assert.doesNotMatch(run.err(), /MaxListenersExceededWarning/);
    // What `npm run check` runs: the launcher, which builds the bundle into dist/ when it is missing or stale.
    const launched = spawnCheck(process.execPath, ['lib/cli/check.mjs', list, '--format', 'json']);
    t.after(() => launched.child.kill());
    assert.equal(await launched.exited, 0, launched.err());
    assert.equal((JSON.parse(launched.out()) as { summary: { up: number } }).summary.up, 15);
  });

  test('Ctrl-C stops the run, prints what was done and exits 130', async (t) => {
    const target = await startTarget(t);
    const list = tempFile(t, 'urls.txt', `${target.base}/slow?ms=30000\n${target.base}/ok\n`);
    // Node itself, not npx, so the signal reaches the checker rather than a wrapper.
    const run = spawnCheck(process.execPath, ['--import', 'tsx', 'lib/cli/check-entry.ts', list]);
    t.after(() => run.child.kill());
    let interruptedAt = 0;
    run.child.stdout.on('data', () => {
      if (interruptedAt > 0 || !run.out().includes('/ok ')) return;
      interruptedAt = performance.now();
      run.child.kill('SIGINT');
    });
    assert.equal(await run.exited, 130, run.err());
    const exitMs = performance.now() - interruptedAt;
    // Well short of the 30 s the slow check would take: it was abandoned, not waited for.
    assert.ok(exitMs < 10_000, `exited ${exitMs} ms after Ctrl-C`);
    assert.deepEqual(
      tableRows(run.out()).map((row) => row.slice(0, 2)),
      [[`${target.base}/ok`, 'up']],
    );
    assert.match(run.out(), /interrupted after 1 of 2 checks: 1 up, 0 down/);
  });
});
