import type { Db } from './connection';
import { errorKindCode, errorKindFromCode, fromMicros, toMicros } from './codes';
import type { CheckRecord, NewCheck } from '../lib/domain';

interface CheckRow {
  id: number;
  site_id: number;
  checked_at: number;
  ok: number;
  status_code: number | null;
  error_kind: number | null;
  error_message: string | null;
  dns_us: number;
  connect_us: number;
  tls_us: number;
  ttfb_us: number;
  transfer_us: number;
  total_us: number;
  lag_ms: number;
  tls_expires_at: number | null;
  tls_issuer: string | null;
}

function toCheck(r: CheckRow): CheckRecord {
  return {
    id: r.id,
    siteId: r.site_id,
    checkedAt: r.checked_at,
    ok: r.ok === 1,
    statusCode: r.status_code,
    timings: {
      dnsMs: fromMicros(r.dns_us),
      connectMs: fromMicros(r.connect_us),
      tlsMs: fromMicros(r.tls_us),
      ttfbMs: fromMicros(r.ttfb_us),
      transferMs: fromMicros(r.transfer_us),
      totalMs: fromMicros(r.total_us),
    },
    error: r.error_kind === null ? null : { kind: errorKindFromCode(r.error_kind), message: r.error_message ?? '' },
    lagMs: r.lag_ms,
    tlsExpiresAt: r.tls_expires_at,
    tlsIssuer: r.tls_issuer,
  };
}

export interface ListChecksOptions {
  /** At most this many, newest first. */
  limit: number;
  /** Only checks that started strictly before this time (epoch ms): the cursor for the next page. */
  before?: number;
}

export interface RecordOutcome {
  /** Rows written. */
  recorded: number;
  /** Results dropped because their site was deleted meanwhile. */
  dropped: number;
}

export interface CheckVerbs {
  /**
   * Writes a batch of results in ONE transaction: the raw rows and each site's derived state. A result whose
   * site no longer exists is dropped quietly. Synchronous by design: never hold a transaction across I/O.
   */
  recordChecks(batch: readonly NewCheck[]): RecordOutcome;
  listChecks(siteId: number, options: ListChecksOptions): CheckRecord[];
  /** Checks of one site that started in [from, to), oldest first. */
  checksBetween(siteId: number, from: number, to: number): CheckRecord[];
  /** The highest check id so far: a cheap "anything new?" signal for other processes. */
  latestCheckId(): number;
  countChecks(): number;
}

export function createCheckVerbs(db: Db): CheckVerbs {
  const insert = db.prepare(
    `INSERT INTO checks (site_id, checked_at, ok, status_code, error_kind, error_message, dns_us, connect_us, tls_us,
       ttfb_us, transfer_us, total_us, lag_ms, tls_expires_at, tls_issuer)
     SELECT @siteId, @checkedAt, @ok, @statusCode, @errorKind, @errorMessage, @dnsUs, @connectUs, @tlsUs, @ttfbUs,
       @transferUs, @totalUs, @lagMs, @tlsExpiresAt, @tlsIssuer
     WHERE EXISTS (SELECT 1 FROM sites WHERE id = @siteId)`,
  );
  // Only a newer check moves the state, so a late result cannot overwrite a fresher one.
  const setState = db.prepare(
    `UPDATE sites SET last_check_id = @checkId,
       state = CASE WHEN paused = 1 THEN 'paused' WHEN @ok = 1 THEN 'up' ELSE 'down' END
     WHERE id = @siteId AND (last_check_id IS NULL
       OR (SELECT checked_at FROM checks WHERE id = last_check_id) <= @checkedAt)`,
  );
  const list = db.prepare<[number, number, number], CheckRow>(
    `SELECT * FROM checks WHERE site_id = ? AND checked_at < ? ORDER BY checked_at DESC, id DESC LIMIT ?`,
  );
  const between = db.prepare<[number, number, number], CheckRow>(
    `SELECT * FROM checks WHERE site_id = ? AND checked_at >= ? AND checked_at < ? ORDER BY checked_at, id`,
  );
  const latest = db.prepare<[], { id: number | null }>(`SELECT max(id) AS id FROM checks`);
  const count = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM checks`);

  const recordTx = db.transaction((batch: readonly NewCheck[]): RecordOutcome => {
    let recorded = 0;
    for (const c of batch) {
      const checkedAt = Math.round(c.checkedAt);
      const info = insert.run({
        siteId: c.siteId,
        checkedAt,
        ok: c.ok ? 1 : 0,
        statusCode: c.statusCode,
        errorKind: c.error ? errorKindCode(c.error.kind) : null,
        errorMessage: c.error ? c.error.message : null,
        dnsUs: toMicros(c.timings.dnsMs),
        connectUs: toMicros(c.timings.connectMs),
        tlsUs: toMicros(c.timings.tlsMs),
        ttfbUs: toMicros(c.timings.ttfbMs),
        transferUs: toMicros(c.timings.transferMs),
        totalUs: toMicros(c.timings.totalMs),
        lagMs: Math.max(0, Math.round(c.lagMs)),
        tlsExpiresAt: c.tlsExpiresAt,
        tlsIssuer: c.tlsIssuer,
      });
      if (info.changes === 0) continue;
      recorded++;
      setState.run({ checkId: Number(info.lastInsertRowid), ok: c.ok ? 1 : 0, siteId: c.siteId, checkedAt });
    }
    return { recorded, dropped: batch.length - recorded };
  });

  return {
    recordChecks: (batch) => (batch.length === 0 ? { recorded: 0, dropped: 0 } : recordTx(batch)),
    listChecks: (siteId, { limit, before }) =>
      list.all(siteId, before ?? Number.MAX_SAFE_INTEGER, limit).map(toCheck),
    checksBetween: (siteId, from, to) => between.all(siteId, from, to).map(toCheck),
    latestCheckId: () => latest.get()?.id ?? 0,
    countChecks: () => count.get()?.n ?? 0,
  };
}
