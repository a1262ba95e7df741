import type { Db } from './connection';
import { errorKindCode, errorKindFromCode, fromMicros, toMicros } from './codes';
import { RollupBatch, type RollupWriter } from './rollups';
import type { StatusStore } from './site-status';
import type { IncidentWriter } from './incidents';
import type { CheckRecord, DecideState, NewCheck, SiteStatus, StateSettings, Transition } from './domain';

/** The raw row's columns as reads see them: the certificate comes from its dictionary entry (check_tls). */
const CHECK_COLUMNS = `c.id, c.site_id, c.checked_at, c.ok, c.status_code, c.error_kind, c.error_message, c.dns_us,
  c.connect_us, c.tls_us, c.ttfb_us, c.transfer_us, c.total_us, c.lag_ms, t.expires_at AS tls_expires_at,
  t.issuer AS tls_issuer, c.detail`;
const FROM_CHECKS = `FROM checks c LEFT JOIN check_tls t ON t.id = c.tls_id`;

/** A check_tls entry's seen_at is written rounded up to this, so a site's hour of checks costs one write. */
const TLS_SEEN_STEP_MS = 3_600_000;

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
  detail: string | null;
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
    detail: r.detail,
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
  /** State changes the batch made, in the order its results were counted. */
  transitions: Transition[];
}

export interface CheckVerbs {
  /**
   * Writes a batch of results in ONE transaction: the raw rows, their minute/hour/day rollups (merged in memory
   * per site and bucket first, then one upsert each) and each site's status as the state decision returns it, so
   * raw rows, rollups and state can never disagree. Each site's previous status is read inside the transaction
   * (another process may have paused it since the check started). A result whose site no longer exists is
   * dropped quietly, from all of them. Synchronous by design: never hold a transaction across I/O. Called inside
   * a caller's transaction, it joins it, so the transitions can be written beside the batch.
   */
  recordChecks(batch: readonly NewCheck[]): RecordOutcome;
  listChecks(siteId: number, options: ListChecksOptions): CheckRecord[];
  /** Checks of one site that started in [from, to), oldest first. */
  checksBetween(siteId: number, from: number, to: number): CheckRecord[];
  /** The highest check id so far: a cheap "anything new?" signal for other processes. */
  latestCheckId(): number;
  countChecks(): number;
}

export function createCheckVerbs(
  db: Db,
  rollups: RollupWriter,
  statuses: StatusStore,
  decideState: DecideState,
  incidents: IncidentWriter,
): CheckVerbs {
  const insert = db.prepare(
    `INSERT INTO checks (site_id, checked_at, ok, status_code, error_kind, error_message, dns_us, connect_us, tls_us,
       ttfb_us, transfer_us, total_us, lag_ms, tls_id, detail)
     VALUES (@siteId, @checkedAt, @ok, @statusCode, @errorKind, @errorMessage, @dnsUs, @connectUs, @tlsUs, @ttfbUs,
       @transferUs, @totalUs, @lagMs, @tlsId, @detail)`,
  );
  const findTls = db.prepare<[number, string | null], { id: number; seen_at: number }>(
    `SELECT id, seen_at FROM check_tls WHERE expires_at = ? AND issuer IS ?`,
  );
  const addTls = db.prepare<[number, string | null, number]>(
    `INSERT INTO check_tls (expires_at, issuer, seen_at) VALUES (?, ?, ?)`,
  );
  const touchTls = db.prepare<[number, number]>(`UPDATE check_tls SET seen_at = max(seen_at, ?) WHERE id = ?`);
  const list = db.prepare<[number, number, number], CheckRow>(
    `SELECT ${CHECK_COLUMNS} ${FROM_CHECKS}
     WHERE c.site_id = ? AND c.checked_at < ? ORDER BY c.checked_at DESC, c.id DESC LIMIT ?`,
  );
  const between = db.prepare<[number, number, number], CheckRow>(
    `SELECT ${CHECK_COLUMNS} ${FROM_CHECKS}
     WHERE c.site_id = ? AND c.checked_at >= ? AND c.checked_at < ? ORDER BY c.checked_at, c.id`,
  );
  const latest = db.prepare<[], { id: number | null }>(`SELECT max(id) AS id FROM checks`);
  const count = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM checks`);

  // Certificate entries this connection has used: id and the seen_at it last wrote. A check no newer than that
  // reuses the id without a write. The pruner only drops entries whose seen_at is past raw retention, so a
  // cached id can be stale only for checks that are past retention themselves.
  const tlsCache = new Map<string, { id: number; seenUntil: number }>();
  const tlsIdOf = (expiresAt: number, issuer: string | null, checkedAt: number): number => {
    const key = `${expiresAt}|${issuer ?? '\u0000'}`;
    const cached = tlsCache.get(key);
    if (cached && checkedAt <= cached.seenUntil) return cached.id;
    const seenUntil = Math.ceil((checkedAt + 1) / TLS_SEEN_STEP_MS) * TLS_SEEN_STEP_MS;
    const found = findTls.get(expiresAt, issuer);
    let id: number;
    if (found) {
      id = found.id;
      if (found.seen_at < seenUntil) touchTls.run(seenUntil, id);
    } else {
      id = Number(addTls.run(expiresAt, issuer, seenUntil).lastInsertRowid);
    }
    tlsCache.set(key, { id, seenUntil: Math.max(seenUntil, found?.seen_at ?? 0) });
    return id;
  };

  const recordTx = db.transaction((batch: readonly NewCheck[]): RecordOutcome => {
    incidents.reset();
    let recorded = 0;
    const groups = new RollupBatch();
    const transitions: Transition[] = [];
    // Each site's status, read once per batch and written once at its end; null for a site that is gone.
    const sites = new Map<number, { status: SiteStatus; settings: StateSettings; read: SiteStatus } | null>();
    for (const c of batch) {
      let site = sites.get(c.siteId);
      if (site === undefined) {
        const found = statuses.read(c.siteId);
        site = found ? { ...found, read: found.status } : null;
        sites.set(c.siteId, site);
      }
      if (site === null) continue;
      const checkedAt = Math.round(c.checkedAt);
      const dnsUs = toMicros(c.timings.dnsMs);
      const connectUs = toMicros(c.timings.connectMs);
      const tlsUs = toMicros(c.timings.tlsMs);
      const ttfbUs = toMicros(c.timings.ttfbMs);
      const transferUs = toMicros(c.timings.transferMs);
      const totalUs = toMicros(c.timings.totalMs);
      const info = insert.run({
        siteId: c.siteId,
        checkedAt,
        ok: c.ok ? 1 : 0,
        statusCode: c.statusCode,
        errorKind: c.error ? errorKindCode(c.error.kind) : null,
        errorMessage: c.error ? c.error.message : null,
        dnsUs,
        connectUs,
        tlsUs,
        ttfbUs,
        transferUs,
        totalUs,
        lagMs: Math.max(0, Math.round(c.lagMs)),
        tlsId: c.tlsExpiresAt === null ? null : tlsIdOf(Math.round(c.tlsExpiresAt), c.tlsIssuer, checkedAt),
        detail: c.detail ?? null,
      });
      recorded++;
      const checkId = Number(info.lastInsertRowid);
      const latencyMs = c.timings.totalMs;
      const decision = decideState(site.status, { kind: 'check', checkId, checkedAt, ok: c.ok, latencyMs }, site.settings);
      site.status = decision.status;
      if (decision.transition) {
        transitions.push(decision.transition);
        incidents.apply(
          decision.transition,
          { ok: c.ok, statusCode: c.statusCode, latencyMs },
          decision.status.failStreak,
        );
      } else {
        incidents.count(c.siteId, decision.status.state, c.ok);
      }
      groups.addCheck(c.siteId, checkedAt, c.ok ? { dnsUs, connectUs, tlsUs, ttfbUs, transferUs, totalUs } : null);
    }
    for (const site of sites.values()) {
      if (site !== null && site.status !== site.read) statuses.write(site.status);
    }
    rollups.apply(groups);
    incidents.flush();
    return { recorded, dropped: batch.length - recorded, transitions };
  });

  return {
    recordChecks(batch) {
      if (batch.length === 0) return { recorded: 0, dropped: 0, transitions: [] };
      try {
        // IMMEDIATE: the statuses are read before the first write, and a deferred transaction that reads, then
        // writes after another process has written, fails with SQLITE_BUSY instead of waiting its turn.
        return recordTx.immediate(batch);
      } catch (err) {
        // A rolled-back batch may have cached certificate ids that no longer exist.
        tlsCache.clear();
        throw err;
      }
    },
    listChecks: (siteId, { limit, before }) =>
      list.all(siteId, before ?? Number.MAX_SAFE_INTEGER, limit).map(toCheck),
    checksBetween: (siteId, from, to) => between.all(siteId, from, to).map(toCheck),
    latestCheckId: () => latest.get()?.id ?? 0,
    countChecks: () => count.get()?.n ?? 0,
  };
}
