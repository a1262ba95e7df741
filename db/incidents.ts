import type { Db } from './connection';
import { errorKindFromCode } from './codes';
import type { OutboxWriter } from './outbox-write';
import type { ErrorKind, Incident, SiteState, Transition, TransitionAlert } from './domain';

/**
 * Incidents: a down or degraded period of a site, opened and closed by the transitions the state decision
 * returns, in the transaction that wrote the check (or the settings change) that caused them, together with
 * their outbox rows.
 */

/** What the check that caused a transition saw (null for a settings change). */
export interface TransitionCheck {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
}

export interface IncidentWriter {
  /** Counts a check of a site that is in `state` (down or degraded: it belongs to the open incident). */
  count(siteId: number, state: SiteState, ok: boolean): void;
  /**
   * Closes the open incident the transition ends and opens the one it starts, and queues their messages.
   * `failStreak` is the failures in a row that confirmed a down (they are the incident's first checks).
   */
  apply(t: Transition, check: TransitionCheck | null, failStreak: number): void;
  /** Writes the counted checks; call once at the end of the transaction. */
  flush(): void;
  /** Forgets counts not written: call at the start of a transaction (a rolled-back one may have left some). */
  reset(): void;
}

interface OpenRow {
  id: number;
  kind: 'down' | 'degraded';
  started_at: number;
  cause_kind: string | null;
  cause_message: string | null;
  cause_status: number | null;
}

const isIncidentState = (s: SiteState): s is 'down' | 'degraded' => s === 'down' || s === 'degraded';

export function createIncidentWriter(db: Db, outbox: OutboxWriter): IncidentWriter {
  const openOf = db.prepare<[number], OpenRow>(
    `SELECT id, kind, started_at, cause_kind, cause_message, cause_status FROM incidents
     WHERE site_id = ? AND resolved_at IS NULL ORDER BY id DESC LIMIT 1`,
  );
  const insert = db.prepare<
    [number, string, number, number, string | null, string | null, number | null, number | null, number, number]
  >(
    `INSERT INTO incidents (site_id, kind, started_at, confirmed_at, cause_kind, cause_message, cause_status,
       first_check_id, checks, failed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const resolve = db.prepare<[number, number]>(`UPDATE incidents SET resolved_at = ? WHERE id = ?`);
  const addCounts = db.prepare<[number, number, number]>(
    `UPDATE incidents SET checks = checks + ?, failed = failed + ? WHERE site_id = ? AND resolved_at IS NULL`,
  );
  const checkOf = db.prepare<[number], { status_code: number | null; error_kind: number | null; error_message: string | null }>(
    `SELECT status_code, error_kind, error_message FROM checks WHERE id = ?`,
  );
  const siteOf = db.prepare<[number], { name: string; url: string }>(`SELECT name, url FROM sites WHERE id = ?`);

  // Checks of sites with an open incident, written once per site at the end (or before a transition).
  const pending = new Map<number, { checks: number; failed: number }>();
  const flushSite = (siteId: number) => {
    const p = pending.get(siteId);
    if (!p) return;
    addCounts.run(p.checks, p.failed, siteId);
    pending.delete(siteId);
  };

  const causeOf = (checkId: number | null | undefined): TransitionAlert['cause'] => {
    if (checkId === null || checkId === undefined) return null;
    const c = checkOf.get(checkId);
    if (!c || c.error_kind === null) return null;
    return { kind: errorKindFromCode(c.error_kind), message: c.error_message ?? '', statusCode: c.status_code };
  };

  const count = (siteId: number, state: SiteState, ok: boolean) => {
    if (!isIncidentState(state)) return;
    const p = pending.get(siteId) ?? { checks: 0, failed: 0 };
    p.checks++;
    if (!ok) p.failed++;
    pending.set(siteId, p);
  };

  return {
    count,

    apply(t, check, failStreak) {
      // The transition's own check belongs to the incident it ends (a recovering check is its last).
      if (check) count(t.siteId, t.from, check.ok);
      flushSite(t.siteId);
      const site = siteOf.get(t.siteId);
      if (!site) return;
      const base = {
        at: t.at,
        site: { id: t.siteId, ...site },
        lastStatusCode: check?.statusCode ?? null,
        lastLatencyMs: check ? check.latencyMs : null,
      };
      const open = isIncidentState(t.from) ? openOf.get(t.siteId) : undefined;
      if (open) {
        resolve.run(t.at, open.id);
        // Into pause: someone chose to stop watching; not a recovery worth a message.
        const kind = open.kind === 'down' ? 'up' : 'undegraded';
        if (t.to !== 'paused' && !(kind === 'undegraded' && t.to === 'down')) {
          const cause =
            open.cause_kind === null
              ? null
              : { kind: open.cause_kind as ErrorKind, message: open.cause_message ?? '', statusCode: open.cause_status };
          outbox.queue(
            { ...base, kind, since: open.started_at, cause, ...(t.latency ? { latency: t.latency } : {}) },
            open.id,
          );
        }
      }
      if (t.to === 'down') {
        const since = t.since ?? t.at;
        const cause = causeOf(t.sinceCheckId ?? t.checkId);
        const streak = check ? Math.max(1, failStreak) : 0;
        const id = Number(
          insert.run(
            t.siteId,
            'down',
            since,
            t.at,
            cause?.kind ?? null,
            cause?.message ?? null,
            cause?.statusCode ?? null,
            t.sinceCheckId ?? t.checkId ?? null,
            streak,
            streak,
          ).lastInsertRowid,
        );
        outbox.queue({ ...base, kind: 'down', since, cause }, id);
      } else if (t.to === 'degraded') {
        const id = Number(
          insert.run(t.siteId, 'degraded', t.at, t.at, null, null, null, t.checkId ?? null, check ? 1 : 0, 0)
            .lastInsertRowid,
        );
        outbox.queue({ ...base, kind: 'degraded', since: t.at, cause: null, ...(t.latency ? { latency: t.latency } : {}) }, id);
      }
    },

    flush() {
      for (const siteId of [...pending.keys()]) flushSite(siteId);
    },
    reset() {
      pending.clear();
    },
  };
}

export interface IncidentQuery {
  open?: boolean;
  siteId?: number;
  /** Incidents that overlap [from, to): started before `to`, and not resolved before `from`. */
  from?: number;
  to?: number;
  /** Only incidents older than this one in the list's order (newest first): the cursor of the next page. */
  before?: { startedAt: number; id: number };
  limit: number;
}

export interface IncidentSummary {
  /** Incidents that started in the window. */
  count: number;
  /** Mean time to resolve the ones of them resolved, ms; null when none was. */
  mttrMs: number | null;
}

export interface IncidentVerbs {
  /** Newest first. */
  listIncidents(q: IncidentQuery): Incident[];
  /** Count and MTTR of incidents started in [from, to), optionally of one site. */
  incidentSummary(from: number, to: number, siteId?: number): IncidentSummary;
}

interface IncidentRow {
  id: number;
  site_id: number;
  site_name: string;
  kind: 'down' | 'degraded';
  started_at: number;
  confirmed_at: number;
  resolved_at: number | null;
  cause_kind: string | null;
  cause_message: string | null;
  cause_status: number | null;
  checks: number;
  failed: number;
}

function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    siteId: r.site_id,
    siteName: r.site_name,
    kind: r.kind,
    startedAt: r.started_at,
    confirmedAt: r.confirmed_at,
    resolvedAt: r.resolved_at,
    cause:
      r.cause_kind === null
        ? null
        : { kind: r.cause_kind as ErrorKind, message: r.cause_message ?? '', statusCode: r.cause_status },
    checks: r.checks,
    failed: r.failed,
  };
}

export function createIncidentVerbs(db: Db): IncidentVerbs {
  // One statement: each filter is off when its parameter is NULL.
  const list = db.prepare<
    {
      open: number | null;
      siteId: number | null;
      from: number | null;
      to: number | null;
      beforeAt: number | null;
      beforeId: number | null;
      limit: number;
    },
    IncidentRow
  >(
    `SELECT i.id, i.site_id, s.name AS site_name, i.kind, i.started_at, i.confirmed_at, i.resolved_at, i.cause_kind,
       i.cause_message, i.cause_status, i.checks, i.failed
     FROM incidents i JOIN sites s ON s.id = i.site_id
     WHERE (@open IS NULL OR (i.resolved_at IS NULL) = @open)
       AND (@siteId IS NULL OR i.site_id = @siteId)
       AND (@to IS NULL OR i.started_at < @to)
       AND (@from IS NULL OR i.resolved_at IS NULL OR i.resolved_at >= @from)
       AND (@beforeAt IS NULL OR i.started_at < @beforeAt OR (i.started_at = @beforeAt AND i.id < @beforeId))
     ORDER BY i.started_at DESC, i.id DESC LIMIT @limit`,
  );
  const summary = db.prepare<
    { from: number; to: number; siteId: number | null },
    { n: number; resolved: number; total: number | null }
  >(
    `SELECT count(*) AS n, count(resolved_at) AS resolved, sum(resolved_at - started_at) AS total
     FROM incidents WHERE started_at >= @from AND started_at < @to AND (@siteId IS NULL OR site_id = @siteId)`,
  );
  return {
    listIncidents: (q) =>
      list
        .all({
          open: q.open === undefined ? null : q.open ? 1 : 0,
          siteId: q.siteId ?? null,
          from: q.from ?? null,
          to: q.to ?? null,
          beforeAt: q.before?.startedAt ?? null,
          beforeId: q.before?.id ?? null,
          limit: q.limit,
        })
        .map(toIncident),
    incidentSummary(from, to, siteId) {
      const r = summary.get({ from, to, siteId: siteId ?? null });
      return { count: r?.n ?? 0, mttrMs: r && r.resolved > 0 && r.total !== null ? Math.round(r.total / r.resolved) : null };
    },
  };
}
