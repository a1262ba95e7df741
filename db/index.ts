import { openDatabase, type Db } from './connection';
import { createCheckVerbs, type CheckVerbs } from './checks';
import { createSiteVerbs, type SiteVerbs } from './sites';

export { DatabaseOpenError } from './connection';
export type { NewSite, SitePatch } from './sites';
export type { ListChecksOptions, RecordOutcome } from './checks';

/** The one door to the data: a tuned connection and the verbs prepared against it. */
export interface Store extends SiteVerbs, CheckVerbs {
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
    close: () => {
      if (db.open) db.close();
    },
  };
}
