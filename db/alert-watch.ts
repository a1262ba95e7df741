import type { Db } from './connection';
import { errorKindFromCode, fromMicros } from './codes';
import type { ErrorKind } from './domain';

/**
 * What the alert jobs watch besides the outbox: how many active sites fail right now (storms), incidents that
 * are due a "still down" reminder, and the certificates the newest checks saw.
 */

export interface FailureCounts {
  /** Sites not paused. */
  active: number;
  /** Active sites whose newest check failed. */
  failing: number;
  /** The failing sites by the kind of their newest error. */
  byKind: Partial<Record<ErrorKind, number>>;
}

/** A site as an alert names it, with its newest check's figures. */
export interface WatchedSite {
  id: number;
  name: string;
  url: string;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  /** Enabled channels attached to the site. */
  channelIds: number[];
}

export interface ReminderDue {
  incidentId: number;
  site: WatchedSite;
  startedAt: number;
  confirmedAt: number;
  remindEveryMinutes: number;
  cause: { kind: ErrorKind; message: string; statusCode: number | null };
}

export interface CertificateSeen {
  site: WatchedSite;
  expiresAt: number;
  issuer: string;
}

export interface AlertWatchVerbs {
  failureCounts(): FailureCounts;
  /**
   * Open `down` incidents of sites with a reminder period whose last reminder (or confirmation) is at least one
   * period before `now`. Empty when the database has no reminder setting for sites.
   */
  remindersDue(now: number): ReminderDue[];
  /** Marks that reminders up to `now` were queued for an incident. */
  markReminded(incidentId: number, at: number): void;
  /** The certificate of each active site's newest check, where it had one. */
  certificatesSeen(): CertificateSeen[];
  /** Runs `fn` in one transaction (a job's rows and its bookkeeping together). */
  inTransaction<T>(fn: () => T): T;
}

interface SiteCols {
  site_id: number;
  site_name: string;
  site_url: string;
  status_code: number | null;
  total_us: number | null;
  channel_ids: string | null;
}

const SITE_COLS = `s.id AS site_id, s.name AS site_name, s.url AS site_url, c.status_code, c.total_us,
  (SELECT group_concat(sc.channel_id) FROM site_channels sc JOIN channels ch ON ch.id = sc.channel_id
     WHERE sc.site_id = s.id AND ch.enabled = 1) AS channel_ids`;

function toWatched(r: SiteCols): WatchedSite {
  return {
    id: r.site_id,
    name: r.site_name,
    url: r.site_url,
    lastStatusCode: r.status_code,
    lastLatencyMs: r.total_us === null ? null : fromMicros(r.total_us),
    channelIds: r.channel_ids === null ? [] : r.channel_ids.split(',').map(Number),
  };
}

export function createAlertWatchVerbs(db: Db): AlertWatchVerbs {
  const counts = db.prepare<[], { active: number; failing: number | null }>(
    `SELECT count(*) AS active, sum(c.ok = 0) AS failing
     FROM sites s LEFT JOIN checks c ON c.id = s.last_check_id WHERE s.paused = 0`,
  );
  const kinds = db.prepare<[], { error_kind: number | null; n: number }>(
    `SELECT c.error_kind, count(*) AS n FROM sites s JOIN checks c ON c.id = s.last_check_id
     WHERE s.paused = 0 AND c.ok = 0 GROUP BY c.error_kind`,
  );
  // The reminder period is a site setting that arrives with a later migration; until then nothing is due.
  const hasReminders = db
    .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('sites')`)
    .all()
    .some((c) => c.name === 'remind_every_min');
  const reminders = hasReminders
    ? db.prepare<
        [number],
        SiteCols & {
          incident_id: number;
          started_at: number;
          confirmed_at: number;
          remind: number;
          cause_kind: string | null;
          cause_message: string | null;
          cause_status: number | null;
        }
      >(
        `SELECT i.id AS incident_id, i.started_at, i.confirmed_at, s.remind_every_min AS remind,
           i.cause_kind, i.cause_message, i.cause_status, ${SITE_COLS}
         FROM incidents i JOIN sites s ON s.id = i.site_id LEFT JOIN checks c ON c.id = s.last_check_id
         WHERE i.resolved_at IS NULL AND i.kind = 'down' AND s.paused = 0 AND s.remind_every_min > 0
           AND coalesce(i.reminded_at, i.confirmed_at) + s.remind_every_min * 60000 <= ?`,
      )
    : null;
  const reminded = db.prepare<[number, number]>(`UPDATE incidents SET reminded_at = ? WHERE id = ?`);
  const certs = db.prepare<[], SiteCols & { expires_at: number; issuer: string | null }>(
    `SELECT t.expires_at, t.issuer, ${SITE_COLS}
     FROM sites s JOIN checks c ON c.id = s.last_check_id JOIN check_tls t ON t.id = c.tls_id
     WHERE s.paused = 0 AND t.expires_at IS NOT NULL`,
  );

  return {
    failureCounts() {
      const c = counts.get();
      const byKind: Partial<Record<ErrorKind, number>> = {};
      for (const k of kinds.all()) {
        const kind = k.error_kind === null ? 'unknown' : errorKindFromCode(k.error_kind);
        byKind[kind] = (byKind[kind] ?? 0) + k.n;
      }
      return { active: c?.active ?? 0, failing: c?.failing ?? 0, byKind };
    },
    remindersDue(now) {
      if (reminders === null) return [];
      return reminders.all(now).map((r) => ({
        incidentId: r.incident_id,
        site: toWatched(r),
        startedAt: r.started_at,
        confirmedAt: r.confirmed_at,
        remindEveryMinutes: r.remind,
        cause: {
          kind: (r.cause_kind ?? 'unknown') as ErrorKind,
          message: r.cause_message ?? '',
          statusCode: r.cause_status,
        },
      }));
    },
    markReminded: (incidentId, at) => void reminded.run(at, incidentId),
    certificatesSeen: () =>
      certs.all().map((r) => ({ site: toWatched(r), expiresAt: r.expires_at, issuer: r.issuer ?? '' })),
    inTransaction: <T>(fn: () => T): T => db.transaction(fn)(),
  };
}
