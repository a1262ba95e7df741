import { openDatabase, type Db } from './connection';
import { createCheckVerbs, type CheckVerbs } from './checks';
import { createSiteVerbs, type SiteVerbs } from './sites';
import { createAuthVerbs, type AuthVerbs } from './auth';
import { createOverviewVerbs, type OverviewVerbs } from './overview';
import { createHistoryVerbs, type HistoryVerbs } from './history';
import { createSelfReportVerbs, type SelfReportVerbs } from './self-report';
import { backfillRollups, createRollupVerbs, createRollupWriter, type RollupVerbs } from './rollups';

export { DatabaseOpenError } from './connection';
export type { NewSite, SitePatch } from './sites';
export type { ListChecksOptions, RecordOutcome } from './checks';
export type { CheckedSince, OverviewOptions, OverviewSite, SparkPoint } from './overview';
export type { ChartSample, TlsSeen, UptimeFigure, UptimeWindow, UptimeWindows } from './history';
export type { SelfReport } from './self-report';
export type { RollupDelta, RollupRow, StorageFigures, TableSize, HistoryTable } from './rollups';

/** The one door to the data: a tuned connection and the verbs prepared against it. */
export interface Store extends SiteVerbs, CheckVerbs, AuthVerbs, OverviewVerbs, HistoryVerbs, SelfReportVerbs, RollupVerbs {
  readonly file: string;
  /** The raw handle, for maintenance (integrity checks, benchmarks). Pages and routes use the verbs. */
  readonly db: Db;
  close(): void;
}

export function openStore(file: string): Store {
  const db = openDatabase(file);
  // Raw checks and their rollups are written through one writer, so they can never disagree.
  const rollups = createRollupWriter(db);
  backfillRollups(db, rollups);
  return {
    file,
    db,
    ...createSiteVerbs(db),
    ...createCheckVerbs(db, rollups),
    ...createAuthVerbs(db),
    ...createOverviewVerbs(db),
    ...createHistoryVerbs(db),
    ...createSelfReportVerbs(db),
    ...createRollupVerbs(db, rollups),
    close: () => {
      if (db.open) db.close();
    },
  };
}
