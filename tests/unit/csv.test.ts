import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Store } from '../../db';
import { presentCheck } from '../../lib/api/present';
import { runCheckUrls } from '../../lib/cli/check-urls';
import { CSV_COLUMNS as CLI_COLUMNS } from '../../lib/cli/formats';
import { csvField, csvRecord, defuseFormula } from '../../lib/csv';
import { CSV_COLUMNS as EXPORT_COLUMNS, csvLine, exportStream } from '../../lib/history';
import { startMonitor } from '../../lib/monitor/monitor';
import { startHttpsTarget, startHttpTarget } from '../fixtures/targets';
import { certificateIssuedBy } from '../fixtures/tls';
import { parseCsv } from '../helpers/csv';
import { eventually } from '../helpers/eventually';
import { newCheck, newSite } from '../helpers/factories';
import { tempDir, tempStore } from '../helpers/temp-store';

/**
 * The one CSV writer (lib/csv.ts) behind both the history export and `npm run check -- --format csv`: RFC 4180,
 * and no cell a site controls may start a spreadsheet formula.
 */

/** Cells a hostile site would like a spreadsheet to run: each leading character OWASP lists. */
const PAYLOADS = [
  `=cmd|' /C calc'!A0`,
  `+1+cmd|' /C calc'!A0`,
  `-1+cmd|' /C calc'!A0`,
  `@SUM(1+1)*cmd|' /C calc'!A0`,
  `\t=cmd|' /C calc'!A0`,
  `\r=cmd|' /C calc'!A0`,
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** Every cell of every record that would start a formula, as `row:column=value`. */
function liveFormulas(records: readonly string[][], columns: readonly string[]): string[] {
  const found: string[] = [];
  records.forEach((record, row) =>
    record.forEach((cell, i) => {
      if (FORMULA_START.test(cell)) found.push(`${row}:${columns[i]}=${JSON.stringify(cell)}`);
    }),
  );
  return found;
}

describe('the writer', () => {
  test('quotes a field only when it holds a comma, a quote, CR or LF, doubling quotes', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField(null), '');
    assert.equal(csvField(12.5), '12.5');
    assert.equal(csvField(true), 'true');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvRecord(['a', 1, null, false]), 'a,1,,false\r\n');
  });

  test('a text starting with =, +, -, @, a tab or a CR gets a leading apostrophe; numbers are left alone', () => {
    for (const payload of PAYLOADS) {
      assert.equal(defuseFormula(payload), `'${payload}`);
      const [[cell]] = parseCsv(csvRecord([payload])) as [[string]];
      assert.equal(cell, `'${payload}`, JSON.stringify(payload));
    }
    assert.equal(defuseFormula('HTTP 500 =x'), 'HTTP 500 =x', 'only the first character counts');
    assert.equal(csvField(-1.5), '-1.5', 'a number Upbeat wrote stays a number');
    assert.equal(csvField('-1.5'), `'-1.5`, 'text is text, whatever it looks like');
  });
});

describe('a hostile site', () => {
  /**
   * The sites: one https site a payload, its certificate issued (and signed) by an organisation named by the
   * payload; and an http site answering with the payloads as its reason phrase and redirect target.
   */
  async function hostileSites(t: TestContext): Promise<string[] | null> {
    const urls: string[] = [];
    for (const payload of PAYLOADS) {
      const certificate = certificateIssuedBy(payload);
      if (certificate === null) return null;
      const site = await startHttpsTarget(t, certificate, (_req, res) => res.end('ok'));
      urls.push(`https://127.0.0.1:${site.port}/`);
    }
    const plain = await startHttpTarget(t, (req: http.IncomingMessage, res: http.ServerResponse) => {
      const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? 0);
      const payload = PAYLOADS[n % PAYLOADS.length]!;
      if (req.url?.startsWith('/redirect')) {
        res.writeHead(302, { location: `/${encodeURIComponent(payload)}?n=${n}` }).end();
      } else {
        res.writeHead(500, payload.replace(/[\t\r]/g, ' ')).end(payload);
      }
    });
    PAYLOADS.forEach((_p, n) => urls.push(`${plain.url}/redirect?n=${n}`));
    return urls;
  }

  test('cannot start a formula in the one-shot checker\u2019s CSV: its certificate issuer comes out defused', async (t) => {
    const urls = await hostileSites(t);
    if (urls === null) return t.skip('openssl is not installed');
    const list = path.join(tempDir(t), 'urls.txt');
    fs.writeFileSync(list, urls.join('\n') + '\n');
    const chunks: string[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const code = await runCheckUrls([list, '--format', 'csv', '--timeout', '3000'], {
      stdin: Readable.from(['']),
      stdout,
      stderr: new Writable({ write: (_c, _e, done) => done() }),
    });
    assert.equal(code, 1, 'every hostile site is down');
    const [header, ...records] = parseCsv(chunks.join(''));
    assert.deepEqual(header, [...CLI_COLUMNS]);
    assert.equal(records.length, urls.length);
    const column = (name: (typeof CLI_COLUMNS)[number]) => CLI_COLUMNS.indexOf(name);
    // The issuer is the site's own words from the first character: each comes out as text.
    assert.deepEqual(
      records.slice(0, PAYLOADS.length).map((r) => r[column('tls_issuer')]),
      PAYLOADS.map((p) => `'${p}`),
    );
    // The redirected ones carry the payload inside the final URL, where it starts nothing.
    for (const [n, record] of records.slice(PAYLOADS.length).entries()) {
      assert.ok(record[column('final_url')]?.includes(`?n=${n}`), record.join('|'));
    }
    assert.deepEqual(liveFormulas(records, CLI_COLUMNS), []);
  });

  test('cannot start a formula in the history export of what the checker recorded', async (t) => {
    const urls = await hostileSites(t);
    if (urls === null) return t.skip('openssl is not installed');
    const store = tempStore(t);
    const monitor = startMonitor({ store, concurrency: 10, syncMs: 50, recorder: { flushEveryMs: 20 }, retention: false });
    t.after(() => monitor.stop());
    const sites = urls.map((url) => store.createSite(newSite({ url, timeoutMs: 3000, intervalSeconds: 3600 })));
    await eventually('every site checked once', () => sites.every((s) => store.getSite(s.id)?.lastCheck), 10_000);
    const now = Date.now() + 1;
    for (const site of sites) {
      const [header, ...records] = parseCsv(await exportCsv(store, site, now));
      assert.deepEqual(header, [...EXPORT_COLUMNS]);
      assert.equal(records.length, 1, site.url);
      assert.equal(records[0]![EXPORT_COLUMNS.indexOf('ok')], 'false', site.url);
      assert.deepEqual(liveFormulas(records, EXPORT_COLUMNS), [], site.url);
    }
  });

  test('cannot start a formula in the history export when its words open the error message', async (t) => {
    // Today's probe puts its own words before anything a site sent; the export must not depend on that.
    const store = tempStore(t);
    const site = store.createSite(newSite());
    const now = Date.now();
    store.recordChecks(
      PAYLOADS.map((message, i) =>
        newCheck(site.id, now - 60_000 + i, { ok: false, statusCode: 500, error: { kind: 'status', message } }),
      ),
    );
    const [, ...records] = parseCsv(await exportCsv(store, site, now));
    assert.deepEqual(
      records.map((r) => r[EXPORT_COLUMNS.indexOf('error_message')]),
      PAYLOADS.map((p) => `'${p}`),
    );
    assert.deepEqual(liveFormulas(records, EXPORT_COLUMNS), []);
    // The one record writer the stream uses, record for record.
    const line = csvLine(presentCheck({ id: 1, ...newCheck(1, now, { ok: false, error: { kind: 'status', message: PAYLOADS[0] } }) }));
    assert.equal(parseCsv(line)[0]![EXPORT_COLUMNS.indexOf('error_message')], `'${PAYLOADS[0]}`);
  });
});

function exportCsv(store: Store, site: { id: number; name: string; url: string; intervalSeconds: number }, now: number) {
  return new Response(exportStream(store, site, '1h', now - 3_600_000, now, 'csv')).text();
}
