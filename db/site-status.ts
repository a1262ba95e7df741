import type { Db } from './connection';
import type { SiteState, SiteStatus, StateSettings } from '../lib/domain';

/**
 * Reads and writes a site's status (its state and the counters it is decided from) by the site's key. What the
 * status becomes is decided outside `db/` (the DecideState handed to openStore); this only stores it.
 */

/** id, paused, state, last_check_id, last_checked_at, fail_streak, pass_streak */
type StatusRow = [number, number, string, number | null, number | null, number, number];

export interface StatusRead {
  status: SiteStatus;
  settings: StateSettings;
}

export interface StatusStore {
  /** One indexed read (the primary key); undefined when the site is gone. */
  read(siteId: number): StatusRead | undefined;
  write(status: SiteStatus): void;
}

export function createStatusStore(db: Db): StatusStore {
  // Positional binds and array rows: this runs once per site in every batch the recorder writes.
  const read = db
    .prepare<[number], StatusRow>(
      `SELECT id, paused, state, last_check_id, last_checked_at, fail_streak, pass_streak FROM sites WHERE id = ?`,
    )
    .raw(true);
  const write = db.prepare<[SiteState, number | null, number | null, number, number, number]>(
    `UPDATE sites SET state = ?, last_check_id = ?, last_checked_at = ?, fail_streak = ?, pass_streak = ? WHERE id = ?`,
  );
  return {
    read(siteId) {
      const r = read.get(siteId) as unknown as StatusRow | undefined;
      if (!r) return undefined;
      const [id, paused, state, lastCheckId, lastCheckedAt, failStreak, passStreak] = r;
      return {
        status: { siteId: id, state: state as SiteState, lastCheckId, lastCheckedAt, failStreak, passStreak },
        settings: { paused: paused === 1 },
      };
    },
    write(s) {
      write.run(s.state, s.lastCheckId, s.lastCheckedAt, s.failStreak, s.passStreak, s.siteId);
    },
  };
}
