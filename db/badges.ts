import type { Db } from './connection';

/** The per-site switch for public badges (off until the owner turns it on). */
export interface BadgeVerbs {
  /** Whether `siteId` serves badges; undefined when there is no such site. */
  areBadgesEnabled(siteId: number): boolean | undefined;
  /** Turns badges on or off for a site; false when there is no such site. */
  setBadgesEnabled(siteId: number, enabled: boolean): boolean;
}

export function createBadgeVerbs(db: Db): BadgeVerbs {
  const read = db.prepare<[number], { enabled: number }>(`SELECT badges_enabled AS enabled FROM sites WHERE id = ?`);
  const write = db.prepare<[number, number]>(`UPDATE sites SET badges_enabled = ? WHERE id = ?`);
  return {
    areBadgesEnabled(siteId) {
      const row = read.get(siteId);
      return row === undefined ? undefined : row.enabled === 1;
    },
    setBadgesEnabled(siteId, enabled) {
      return write.run(enabled ? 1 : 0, siteId).changes === 1;
    },
  };
}
