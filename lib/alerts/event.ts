import type { ErrorKind } from '../../db/domain';

/**
 * What a notification is about, as every channel receives it. The caller (the state machine and the sender)
 * decides everything here — which transition, its idempotency key, the site page link — so formatting and
 * sending stay pure functions of this value. Times are epoch milliseconds; durations are milliseconds.
 */

export const ALERT_KINDS = [
  'down',
  'up',
  'degraded',
  'undegraded',
  'reminder',
  'cert-expiry',
  'storm',
  'network',
  'test',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Days before a certificate's expiry at which a warning is sent, once per threshold per certificate. */
export const DEFAULT_CERT_EXPIRY_THRESHOLDS_DAYS: readonly number[] = [30, 14, 7, 1];

/** The site an event is about. */
export interface AlertSite {
  id: number;
  name: string;
  /** The URL checked. */
  url: string;
  /** The site's page in Upbeat (from `UPBEAT_PUBLIC_URL`); null when no public URL is configured. */
  link: string | null;
}

/** Why a site is down: the error of the first failing check of the outage (not of the confirming one). */
export interface AlertCause {
  kind: ErrorKind;
  /** The probe's own sentence, e.g. `cannot resolve shop.example.com (ENOTFOUND)`. */
  message: string;
  /** The response's status when there was one (kind `status`), else null. */
  statusCode: number | null;
}

/** The newest check's figures, shown so a reader can judge without opening the dashboard. */
export interface LastCheckFigures {
  /** Null when the last check got no response. */
  lastStatusCode: number | null;
  /** Total time of the last check; null when unknown. */
  lastLatencyMs: number | null;
}

interface EventBase {
  kind: AlertKind;
  /**
   * One key per (transition, channel): the same key on every retry of the same delivery, so a receiver (and the
   * email's Message-ID) can drop a duplicate. Sent as the `Idempotency-Key` header by HTTP channels.
   */
  idempotencyKey: string;
  /** When the transition happened (the confirming check), or when the test was asked for. */
  at: number;
}

/** Confirmed down: `confirmAfter` consecutive checks failed. */
export interface DownEvent extends EventBase, LastCheckFigures {
  kind: 'down';
  site: AlertSite;
  cause: AlertCause;
  /** The first failing check of this outage (earlier than `at`, which is its confirmation). */
  since: number;
}

/** Recovered: `recoverAfter` consecutive checks passed. */
export interface UpEvent extends EventBase, LastCheckFigures {
  kind: 'up';
  site: AlertSite;
  /** What the outage was, for the record; null when unknown. */
  cause: AlertCause | null;
  /** When the outage started (its first failing check). */
  since: number;
  /** From the first failing check to the recovering one. */
  downForMs: number;
}

/** Still down, sent every `remindEveryMinutes` while the outage lasts. */
export interface ReminderEvent extends EventBase, LastCheckFigures {
  kind: 'reminder';
  site: AlertSite;
  cause: AlertCause;
  since: number;
  /** How long it has been down so far, at `at`. */
  downForMs: number;
}

/** The latency figures that decided a degraded transition. */
export interface LatencyFigures {
  /** p95 of the last `samples` checks. */
  p95Ms: number;
  /** The site's `degradedAboveMs`. */
  thresholdMs: number;
  samples: number;
}

/** Sustained slowness: the p95 of the last checks went above the site's threshold. */
export interface DegradedEvent extends EventBase, LastCheckFigures {
  kind: 'degraded';
  site: AlertSite;
  /** When the p95 first went above the threshold. */
  since: number;
  latency: LatencyFigures;
}

/** Back to normal speed. */
export interface UndegradedEvent extends EventBase, LastCheckFigures {
  kind: 'undegraded';
  site: AlertSite;
  /** When the slow period started. */
  since: number;
  degradedForMs: number;
  latency: LatencyFigures;
}

export interface CertificateFigures {
  /** The certificate's `notAfter`, epoch ms. */
  expiresAt: number;
  issuer: string;
  /** Whole days left at `at` (0 or less: expired). */
  daysLeft: number;
  /** The threshold this warning is for (30, 14, 7 or 1 by default). */
  thresholdDays: number;
}

/** A certificate expiry warning, once per threshold per certificate. */
export interface CertExpiryEvent extends EventBase {
  kind: 'cert-expiry';
  site: AlertSite;
  certificate: CertificateFigures;
}

/** One site inside a grouped message. */
export interface GroupedSite {
  site: AlertSite;
  /** Its first failure; null for a recovery. */
  cause: AlertCause | null;
  /** When it went down (or came back, for a group of recoveries). */
  since: number;
}

export interface AlertGroup {
  /** Whether the group's sites went down or came back. */
  state: 'down' | 'up';
  /** How many sites the group stands for; `sites` may hold only the first of them. */
  total: number;
  /** The first sites, in the order they changed; the message lists at most ten of them. */
  sites: readonly GroupedSite[];
}

/** Many sites changed within the same minute: one message in place of `total` (site states stay exact). */
export interface StormEvent extends EventBase {
  kind: 'storm';
  group: AlertGroup;
  /** The dashboard (or incidents page) in Upbeat; null without a public URL. */
  link: string | null;
}

export interface NetworkGroup extends AlertGroup {
  /** Sites checked in the window that decided it (`total` of them failed). */
  checked: number;
  /** The failing sites by the kind of their error, e.g. `{ dns: 20, timeout: 12 }`. */
  byKind: Partial<Record<ErrorKind, number>>;
}

/**
 * Nearly every check failed at once with dns, connection refused or timeout: the monitor's own network is
 * probably down, not every site. `group.state` 'up' says the checks pass again.
 */
export interface NetworkEvent extends EventBase {
  kind: 'network';
  group: NetworkGroup;
  link: string | null;
}

/** The test button: proves the channel delivers, with no site involved. */
export interface TestEvent extends EventBase {
  kind: 'test';
  /** The channel's name as the user gave it. */
  channelName: string;
  /** Upbeat's own address; null without a public URL. */
  link: string | null;
}

export type AlertEvent =
  | DownEvent
  | UpEvent
  | ReminderEvent
  | DegradedEvent
  | UndegradedEvent
  | CertExpiryEvent
  | StormEvent
  | NetworkEvent
  | TestEvent;
