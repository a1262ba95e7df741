import type { Db } from './connection';

/** The checker's newest heartbeat, as the one row of `monitor_heartbeat` holds it. Times are epoch ms. */
export interface Heartbeat {
  pid: number;
  startedAt: number;
  beatAt: number;
  /** Set by the checker's last beat when it stopped cleanly; null while it runs (or after it died). */
  stoppedAt: number | null;
  /** The checker's figures as it wrote them; the reader validates the shape (see lib/health.ts). */
  stats: unknown;
}

export interface HeartbeatVerbs {
  /** Replaces the heartbeat. `stats` is stored as JSON. */
  writeHeartbeat(beat: Heartbeat): void;
  /** The newest heartbeat; undefined when no checker has ever run on this database. */
  readHeartbeat(): Heartbeat | undefined;
}

interface HeartbeatRow {
  pid: number;
  started_at: number;
  beat_at: number;
  stopped_at: number | null;
  stats: string;
}

export function createHeartbeatVerbs(db: Db): HeartbeatVerbs {
  const write = db.prepare(
    `INSERT INTO monitor_heartbeat (id, pid, started_at, beat_at, stopped_at, stats)
     VALUES (1, @pid, @startedAt, @beatAt, @stoppedAt, @stats)
     ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, started_at = excluded.started_at,
       beat_at = excluded.beat_at, stopped_at = excluded.stopped_at, stats = excluded.stats`,
  );
  const read = db.prepare<[], HeartbeatRow>(
    `SELECT pid, started_at, beat_at, stopped_at, stats FROM monitor_heartbeat WHERE id = 1`,
  );
  return {
    writeHeartbeat(beat) {
      write.run({
        pid: beat.pid,
        startedAt: Math.round(beat.startedAt),
        beatAt: Math.round(beat.beatAt),
        stoppedAt: beat.stoppedAt === null ? null : Math.round(beat.stoppedAt),
        stats: JSON.stringify(beat.stats ?? null),
      });
    },
    readHeartbeat() {
      const row = read.get();
      if (!row) return undefined;
      let stats: unknown = null;
      try {
        stats = JSON.parse(row.stats);
      } catch {
        // A torn or foreign value reads as "no figures"; the beat's times still tell whether the checker lives.
      }
      return { pid: row.pid, startedAt: row.started_at, beatAt: row.beat_at, stoppedAt: row.stopped_at, stats };
    },
  };
}
