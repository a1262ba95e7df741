import { openDatabase, type Db } from './connection';
import { createCheckVerbs, type CheckVerbs } from './checks';
import { createSiteVerbs, type SiteVerbs } from './sites';
import { createOverviewVerbs, type OverviewVerbs } from './overview';
import { createHistoryVerbs, type HistoryVerbs } from './history';

export { DatabaseOpenError } from './connection';
export type { NewSite, SitePatch } from './sites';
export type { ListChecksOptions, RecordOutcome } from './checks';
export type { CheckedSince, OverviewOptions, OverviewSite, SparkPoint } from './overview';
export type { ChartSample, TlsSeen, UptimeFigure, UptimeWindow, UptimeWindows } from './history';

/** The one door to the data: a tuned connection and the verbs prepared against it. */
export interface Store extends SiteVerbs, CheckVerbs, OverviewVerbs, HistoryVerbs {
  readonly file: string;
  /** The raw handle, for maintenance (integrity checks, benchmarks). Pages and routes use the verbs. */
  readonly db: Db;
  close(): void;
}

export function openStore(file: string): Store {
  const db = openDatabase(file);
  return {
    file,
    db,
    ...createSiteVerbs(db),
    ...createCheckVerbs(db),
    ...createOverviewVerbs(db),
    ...createHistoryVerbs(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}
