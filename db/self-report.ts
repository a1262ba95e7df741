import type { Db } from './connection';

/** The checker's newest self-report, as the one row of `monitor_self_report` holds it. Times are epoch ms. */
export interface SelfReport {
  pid: number;
  startedAt: number;
  reportedAt: number;
  /** Set by the checker's last report when it stopped cleanly; null while it runs (or after it died). */
  stoppedAt: number | null;
  /** The checker's figures as it wrote them; the reader validates the shape (see lib/health.ts). */
  stats: unknown;
}

export interface SelfReportVerbs {
  /** Replaces the self-report. `stats` is stored as JSON. */
  writeSelfReport(report: SelfReport): void;
  /** The newest self-report; undefined when no checker has ever run on this database. */
  readSelfReport(): SelfReport | undefined;
}

interface SelfReportRow {
  pid: number;
  started_at: number;
  reported_at: number;
  stopped_at: number | null;
  stats: string;
}

export function createSelfReportVerbs(db: Db): SelfReportVerbs {
  const write = db.prepare(
    `INSERT INTO monitor_self_report (id, pid, started_at, reported_at, stopped_at, stats)
     VALUES (1, @pid, @startedAt, @reportedAt, @stoppedAt, @stats)
     ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, started_at = excluded.started_at,
       reported_at = excluded.reported_at, stopped_at = excluded.stopped_at, stats = excluded.stats`,
  );
  const read = db.prepare<[], SelfReportRow>(
    `SELECT pid, started_at, reported_at, stopped_at, stats FROM monitor_self_report WHERE id = 1`,
  );
  return {
    writeSelfReport(report) {
      write.run({
        pid: report.pid,
        startedAt: Math.round(report.startedAt),
        reportedAt: Math.round(report.reportedAt),
        stoppedAt: report.stoppedAt === null ? null : Math.round(report.stoppedAt),
        stats: JSON.stringify(report.stats ?? null),
      });
    },
    readSelfReport() {
      const row = read.get();
      if (!row) return undefined;
      let stats: unknown = null;
      try {
        stats = JSON.parse(row.stats);
      } catch {
        // A torn or foreign value reads as "no figures"; the report's times still tell whether the checker lives.
      }
      return { pid: row.pid, startedAt: row.started_at, reportedAt: row.reported_at, stoppedAt: row.stopped_at, stats };
    },
  };
}
