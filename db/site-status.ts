import type { Db } from './connection';
import type { SiteState, SiteStatus, StateSettings } from './domain';

/**
 * Reads and writes a site's status (its state and the counters it is decided from) by the site's key. What the
 * status becomes is decided outside `db/` (the DecideState handed to openStore); this only stores it.
 */

/**
 * id, paused, confirm_after, recover_after, degraded_above_ms, state, last_check_id, last_checked_at,
 * fail_streak, pass_streak, fail_since, fail_check_id, recent_latency
 */
type StatusRow = [
  number,
  number,
  number,
  number,
  number | null,
  string,
  number | null,
  number | null,
  number,
  number,
  number | null,
  number | null,
  string,
];

export interface StatusRead {
  status: SiteStatus;
  settings: StateSettings;
}

export interface StatusStore {
  /** One indexed read (the primary key); undefined when the site is gone. */
  read(siteId: number): StatusRead | undefined;
  write(status: SiteStatus): void;
}

/** Latencies are kept to a tenth of a millisecond: plenty for a threshold, and a short column. */
const encodeLatencies = (l: readonly number[]) => l.map((v) => Math.round(v * 10) / 10).join(',');
const decodeLatencies = (text: string) => (text === '' ? [] : text.split(',').map(Number));

export function createStatusStore(db: Db): StatusStore {
  // Positional binds and array rows: this runs once per site in every batch the recorder writes.
  const read = db
    .prepare<[number], StatusRow>(
      `SELECT id, paused, confirm_after, recover_after, degraded_above_ms, state, last_check_id, last_checked_at,
         fail_streak, pass_streak, fail_since, fail_check_id, recent_latency FROM sites WHERE id = ?`,
    )
    .raw(true);
  const write = db.prepare<
    [SiteState, number | null, number | null, number, number, number | null, number | null, string, number]
  >(
    `UPDATE sites SET state = ?, last_check_id = ?, last_checked_at = ?, fail_streak = ?, pass_streak = ?,
       fail_since = ?, fail_check_id = ?, recent_latency = ? WHERE id = ?`,
  );
  return {
    read(siteId) {
      const r = read.get(siteId) as unknown as StatusRow | undefined;
      if (!r) return undefined;
      const [id, paused, confirmAfter, recoverAfter, degradedAboveMs, state, lastCheckId, lastCheckedAt] = r;
      const [, , , , , , , , failStreak, passStreak, failSince, failCheckId, recent] = r;
      return {
        status: {
          siteId: id,
          state: state as SiteState,
          lastCheckId,
          lastCheckedAt,
          failStreak,
          passStreak,
          failSince,
          failCheckId,
          latencies: decodeLatencies(recent),
        },
        settings: { paused: paused === 1, confirmAfter, recoverAfter, degradedAboveMs },
      };
    },
    write(s) {
      write.run(
        s.state,
        s.lastCheckId,
        s.lastCheckedAt,
        s.failStreak,
        s.passStreak,
        s.failSince,
        s.failCheckId,
        encodeLatencies(s.latencies),
        s.siteId,
      );
    },
  };
}
