import { openDatabase, type Db } from './connection';
import { createCheckVerbs, type CheckVerbs } from './checks';
import { createSiteVerbs, type SiteVerbs } from './sites';
import { createAuthVerbs, type AuthVerbs } from './auth';
import { createOverviewVerbs, type OverviewVerbs } from './overview';
import { createHistoryVerbs, type HistoryVerbs } from './history';
import { createSelfReportVerbs, type SelfReportVerbs } from './self-report';
import { createChannelVerbs, type ChannelVerbs } from './channels';
import { createDeliveryVerbs, type DeliveryVerbs } from './deliveries';
import { createAlertWatchVerbs, type AlertWatchVerbs } from './alert-watch';
import { backfillRollups, createRollupVerbs, createRollupWriter, type RollupVerbs } from './rollups';
import { createStatusStore } from './site-status';
import { prepareSecrets, type SecretSealer } from './secrets';
import { createIncidentVerbs, createIncidentWriter, type IncidentVerbs } from './incidents';
import { createIncidentNoticeVerbs, type IncidentNoticeVerbs } from './incident-notices';
import { createOutboxWriter } from './outbox-write';
import { createPushVerbs, type PushVerbs } from './push';
import type { DecideState, DescribeAlert } from './domain';
import { createBadgeVerbs, type BadgeVerbs } from './badges';
import { createMetricVerbs, type MetricVerbs } from './metrics';
import { createStatusPageVerbs, type StatusPageVerbs } from './status-pages';
import { createStatusPostVerbs, type StatusPostVerbs } from './status-posts';
import { createConfigMarkVerbs, type ConfigMarkVerbs } from './config-marks';

export { DatabaseOpenError } from './connection';
export type { NewSite, SitePatch } from './sites';
export type { ListChecksOptions, RecordOutcome } from './checks';
export type { IncidentQuery, IncidentSummary } from './incidents';
export type { IncidentNotice } from './incident-notices';
export type { CheckedSince, OverviewOptions, OverviewSite, SiteStamp, SparkPoint } from './overview';
export type { ChartSample, TlsSeen, UptimeFigure, UptimeWindow, UptimeWindows } from './history';
export type { SelfReport } from './self-report';
export type { MetricCheck, MetricSite } from './metrics';
export type { PageIncident, SiteDay, StatusPage, StatusPageEntry, StatusPageFields, StatusPageSite } from './status-pages';
export type { NewPost, PostKind, PostStatus, PostUpdate, StatusPost } from './status-posts';
export type { PushWatch } from './push';
export type { ConfigMark, MarkedKind } from './config-marks';
export type { ChannelHealth, ChannelPatch, ChannelRecord, NewChannel } from './channels';
export type {
  AttemptOutcome,
  AttemptRecord,
  DeliveryAttempt,
  DueOutboxRow,
  NewOutboxRow,
  OutboxRow,
  OutboxStatus,
  Settlement,
} from './deliveries';
export type { CertificateSeen, FailureCounts, ReminderDue, WatchedSite } from './alert-watch';
export { resealSecrets, type ResealOutcome, type SecretSealer } from './secrets';
export type { RollupDelta, RollupRow, StorageFigures, TableSize, HistoryTable } from './rollups';

/** The one door to the data: a tuned connection and the verbs prepared against it. */
export interface Store
  extends SiteVerbs,
    CheckVerbs,
    AuthVerbs,
    OverviewVerbs,
    HistoryVerbs,
    SelfReportVerbs,
    RollupVerbs,
    IncidentVerbs,
    IncidentNoticeVerbs,
    ChannelVerbs,
    DeliveryVerbs,
    AlertWatchVerbs,
    BadgeVerbs,
    MetricVerbs,
    StatusPageVerbs,
    StatusPostVerbs,
    PushVerbs,
    ConfigMarkVerbs {
  readonly file: string;
  /** The raw handle, for maintenance (integrity checks, benchmarks). Pages and routes use the verbs. */
  readonly db: Db;
  close(): void;
}

export interface StorePolicy {
  /**
   * The site state machine (lib/monitor/state.ts `nextSiteState`). Every write that can move a site's state (a
   * recorded check, a create, an edit, a pause) runs it in its own transaction and stores what it returns, so
   * `db/` decides nothing and every process that opens the file decides alike.
   */
  decideState: DecideState;
  /**
   * The box that seals secrets at rest (lib/secrets/box.ts). At open, values still in clear are sealed with it and
   * a wrong key stops the open with a DatabaseOpenError naming the key's source. A function is called once the
   * file is open, so a database that cannot be opened is reported as such before the key is looked for.
   */
  secrets: SecretSealer | (() => SecretSealer);
  /**
   * Words a transition as the message its outbox rows carry (lib/alerts/transition-event.ts). Without it no
   * outbox rows are written (tools and benchmarks that only record checks); incidents are kept either way.
   */
  describeAlert?: DescribeAlert;
}

export function openStore(file: string, policy: StorePolicy): Store {
  const db = openDatabase(file);
  // Raw checks and their rollups are written through one writer, so they can never disagree.
  const rollups = createRollupWriter(db);
  backfillRollups(db, rollups);
  const statuses = createStatusStore(db);
  let secrets: SecretSealer;
  try {
    secrets = typeof policy.secrets === 'function' ? policy.secrets() : policy.secrets;
    prepareSecrets(db, file, secrets);
  } catch (err) {
    db.close();
    throw err;
  }
  const incidents = createIncidentWriter(db, createOutboxWriter(db, policy.describeAlert));
  return {
    file,
    db,
    ...createSiteVerbs(db, statuses, policy.decideState, secrets, incidents),
    ...createCheckVerbs(db, rollups, statuses, policy.decideState, incidents),
    ...createIncidentVerbs(db),
    ...createIncidentNoticeVerbs(db),
    ...createAuthVerbs(db),
    ...createOverviewVerbs(db, secrets),
    ...createHistoryVerbs(db),
    ...createSelfReportVerbs(db),
    ...createRollupVerbs(db, rollups),
    ...createChannelVerbs(db),
    ...createDeliveryVerbs(db),
    ...createAlertWatchVerbs(db),
    ...createBadgeVerbs(db),
    ...createMetricVerbs(db),
    ...createStatusPageVerbs(db),
    ...createStatusPostVerbs(db),
    ...createPushVerbs(db),
    ...createConfigMarkVerbs(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}
