import type { Db } from './connection';
import type { SiteState, SiteStatus, StateSettings } from '../lib/domain';

/**
 * Reads and writes a site's status (its state and the counters it is decided from) by the site's key. What the
 * status becomes is decided outside `db/` (the DecideState handed to openStore); this only stores it.
 */

interface StatusRow {
  id: number;
  paused: number;
  state: string;
  last_check_id: number | null;
  last_checked_at: number | null;
  fail_streak: number;
  pass_streak: number;
}

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
  const read = db.prepare<[number], StatusRow>(
    `SELECT id, paused, state, last_check_id, last_checked_at, fail_streak, pass_streak FROM sites WHERE id = ?`,
  );
  const write = db.prepare(
    `UPDATE sites SET state = @state, last_check_id = @lastCheckId, last_checked_at = @lastCheckedAt,
       fail_streak = @failStreak, pass_streak = @passStreak
     WHERE id = @siteId`,
  );
  return {
    read(siteId) {
      const r = read.get(siteId);
      if (!r) return undefined;
      return {
        status: {
          siteId: r.id,
          state: r.state as SiteState,
          lastCheckId: r.last_check_id,
          lastCheckedAt: r.last_checked_at,
          failStreak: r.fail_streak,
          passStreak: r.pass_streak,
        },
        settings: { paused: r.paused === 1 },
      };
    },
    write(status) {
      write.run(status);
    },
  };
}
