import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CSV_COLUMNS,
  formatCsv,
  formatJson,
  formatProgress,
  formatSummaryLine,
  formatTableHeader,
  formatTableRow,
  urlColumnWidth,
  type UrlResult,
  type RunSummary,
} from '../../../lib/cli/formats';

const up: UrlResult = {
  url: 'http://127.0.0.1:8080/ok',
  ok: true,
  statusCode: 200,
  timings: { dnsMs: 0, connectMs: 0.44, tlsMs: 0, ttfbMs: 2.26, transferMs: 0.05, totalMs: 2.75 },
  error: null,
  redirects: 0,
  finalUrl: 'http://127.0.0.1:8080/ok',
  remoteAddress: '127.0.0.1',
  tlsExpiresAt: null,
  tlsIssuer: null,
  checkedAt: Date.UTC(2025, 0, 2, 3, 4, 5, 6),
};

const down: UrlResult = {
  ...up,
  url: 'https://example.com/a,b',
  ok: false,
  statusCode: null,
  timings: { dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 0, transferMs: 0, totalMs: 6 },
  error: { kind: 'tls', message: 'certificate "example" expired,\nrenew it' },
  finalUrl: 'https://example.com/a,b',
  tlsExpiresAt: Date.UTC(2024, 5, 1),
  tlsIssuer: 'CN=Test CA, O=Upbeat',
};

const summary: RunSummary = {
  total: 4,
  checked: 2,
  up: 1,
  down: 1,
  elapsedMs: 500,
  interrupted: false,
  concurrency: 50,
  timeoutMs: 10000,
  duplicates: 0,
};

test('writes CSV as RFC 4180: a header, CRLF line ends, rows in the order given', () => {
  const csv = formatCsv([down, up]);
  const header = CSV_COLUMNS.join(',');
  assert.equal(
    csv,
    `${header}\r\n` +
      '"https://example.com/a,b",down,,6,1,2,3,0,0,' +
      'tls,"certificate ""example"" expired,\nrenew it",0,"https://example.com/a,b",127.0.0.1,' +
      '2024-06-01T00:00:00.000Z,"CN=Test CA, O=Upbeat",2025-01-02T03:04:05.006Z\r\n' +
      'http://127.0.0.1:8080/ok,up,200,2.8,0,0.4,0,2.3,0.1,,,0,http://127.0.0.1:8080/ok,127.0.0.1,,,' +
      '2025-01-02T03:04:05.006Z\r\n',
  );
  assert.equal(formatCsv([]), `${header}\r\n`);
});

test('writes JSON as results plus summary, durations to a tenth, times as epoch ms', () => {
  const report = JSON.parse(formatJson([up, down], summary)) as {
    results: Record<string, unknown>[];
    summary: Record<string, unknown>;
  };
  assert.equal(report.results.length, 2);
  assert.deepEqual(report.results[0], {
    url: 'http://127.0.0.1:8080/ok',
    state: 'up',
    statusCode: 200,
    timings: { dnsMs: 0, connectMs: 0.4, tlsMs: 0, ttfbMs: 2.3, transferMs: 0.1, totalMs: 2.8 },
    error: null,
    redirects: 0,
    finalUrl: 'http://127.0.0.1:8080/ok',
    remoteAddress: '127.0.0.1',
    tls: null,
    checkedAt: up.checkedAt,
  });
  assert.equal(report.results[1]?.state, 'down');
  assert.deepEqual(report.results[1]?.error, down.error);
  assert.deepEqual(report.results[1]?.tls, { validTo: Date.UTC(2024, 5, 1), issuer: 'CN=Test CA, O=Upbeat' });
  assert.deepEqual(report.summary, { ...summary, checksPerSecond: 4 });
});

test('table rows line up under the header, whatever the URL length', () => {
  const width = urlColumnWidth([up.url, down.url]);
  const lines = [formatTableHeader(width), formatTableRow(up, width), formatTableRow(down, width)];
  const stateColumn = lines.map((l) => l.indexOf(l.includes('STATE') ? 'STATE' : l.includes(' up ') ? 'up' : 'down'));
  assert.equal(new Set(stateColumn).size, 1, lines.join(''));
  for (const line of lines) assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), line);
  assert.match(lines[1]!, /\bup\s+200\s+3$/m);
  // No status code shows as "-"; the error keeps to one line.
  assert.match(lines[2]!, /\bdown\s+-\s+6\s+tls: certificate "example" expired, renew it\n$/);
});

test('a long URL widens its column only up to a cap, and overflows rather than being cut', () => {
  const long = `https://example.com/${'p'.repeat(200)}`;
  assert.equal(urlColumnWidth(['http://a/']), 9);
  assert.equal(urlColumnWidth([long]), 60);
  assert.ok(formatTableRow({ ...up, url: long }, 60).startsWith(`${long}  up`));
});

test('the summary counts, times and rates the run, and says when it was interrupted', () => {
  assert.equal(formatSummaryLine(summary), '2 checked: 1 up, 1 down in 0.50 s (4.0 checks/s)\n');
  assert.equal(
    formatSummaryLine({ ...summary, interrupted: true }),
    'interrupted after 2 of 4 checks: 1 up, 1 down in 0.50 s (4.0 checks/s)\n',
  );
  assert.equal(formatSummaryLine({ ...summary, elapsedMs: 0 }), '2 checked: 1 up, 1 down in 0.00 s (0.0 checks/s)\n');
});

test('progress keeps its width as the count grows', () => {
  assert.equal(formatProgress(7, 1000, 3), '[   7/1000] 3 down');
  assert.equal(formatProgress(420, 1000, 3), '[ 420/1000] 3 down');
  assert.equal(formatProgress(1000, 1000, 0), '[1000/1000] 0 down');
});
