import type { Db } from './connection';

/** A push site as the watchdog reads it: when its pings are due. */
export interface PushWatch {
  id: number;
  intervalSeconds: number;
  pushGraceSeconds: number;
  paused: boolean;
  /** The last ping, epoch ms; null before the first. */
  lastPingAt: number | null;
  /** When the site was created or last edited: a new push site gets a whole interval for its first ping. */
  updatedAt: number;
}

export interface PushVerbs {
  /** Stores the hash of a push site's new token (the old one stops working); false when there is no such push site. */
  setPushTokenHash(siteId: number, hash: string): boolean;
  /** The push site a token hash belongs to. */
  pushSiteByTokenHash(hash: string): { id: number; paused: boolean } | undefined;
  notePushPing(siteId: number, at: number): void;
  listPushWatches(): PushWatch[];
}

interface WatchRow {
  id: number;
  interval_s: number;
  push_grace_s: number;
  paused: number;
  push_last_at: number | null;
  updated_at: number;
}

export function createPushVerbs(db: Db): PushVerbs {
  const setHash = db.prepare<[string, number]>(`UPDATE sites SET push_token_hash = ? WHERE id = ? AND kind = 'push'`);
  const byHash = db.prepare<[string], { id: number; paused: number }>(
    `SELECT id, paused FROM sites WHERE push_token_hash = ? AND kind = 'push'`,
  );
  const ping = db.prepare<[number, number]>(`UPDATE sites SET push_last_at = ? WHERE id = ?`);
  const watches = db.prepare<[], WatchRow>(
    `SELECT id, interval_s, push_grace_s, paused, push_last_at, updated_at FROM sites WHERE kind = 'push' ORDER BY id`,
  );
  return {
    setPushTokenHash: (siteId, hash) => setHash.run(hash, siteId).changes > 0,
    pushSiteByTokenHash(hash) {
      const row = byHash.get(hash);
      return row ? { id: row.id, paused: row.paused === 1 } : undefined;
    },
    notePushPing: (siteId, at) => void ping.run(at, siteId),
    listPushWatches: () =>
      watches.all().map((r) => ({
        id: r.id,
        intervalSeconds: r.interval_s,
        pushGraceSeconds: r.push_grace_s,
        paused: r.paused === 1,
        lastPingAt: r.push_last_at,
        updatedAt: r.updated_at,
      })),
  };
}
