/**
 * The words Upbeat's rooms share. Pure types and constants with no imports, so that `db/`, the probe and the
 * pages can all depend on it without depending on each other.
 */

/** Why a check failed. Decided from `err.code` (never message text); `status` keeps the response's code. */
export const ERROR_KINDS = [
  'dns',
  'refused',
  'reset',
  'timeout',
  'tls',
  'status',
  'redirects',
  'protocol',
  /** The address connected to is refused by the target policy (metadata, link-local, or private when blocked). */
  'blocked',
  /** The response came, but one of the site's assertions (body, JSON, header, time, DNS answer) does not hold. */
  'assertion',
  /** A push site's ping did not arrive within its interval plus grace, or arrived reporting itself down. */
  'push',
  'unknown',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** What a site checks: an HTTP(S) request, a TCP port (optionally TLS), a DNS record, or pings it receives. */
export const SITE_KINDS = ['http', 'tcp', 'dns', 'push'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export const JSON_PATH_OPS = ['==', '!=', '<', '<=', '>', '>='] as const;
export type JsonPathOp = (typeof JSON_PATH_OPS)[number];

export const HEADER_OPS = ['equals', 'contains', 'matches'] as const;
export type HeaderOp = (typeof HEADER_OPS)[number];

/**
 * One thing a response must show for the check to pass (all of a site's must hold). Body assertions read the
 * kept part of the body (the first 64 KiB); a failure is the error kind `assertion`.
 */
export type Assertion =
  | { type: 'body-contains' | 'body-not-contains'; value: string; ignoreCase?: boolean }
  | { type: 'body-matches'; pattern: string; flags?: string }
  | { type: 'json-path'; path: string; op: JsonPathOp; value: string | number | boolean | null }
  | { type: 'header'; name: string; op: HeaderOp; value: string }
  | { type: 'response-time'; belowMs: number };
export type AssertionType = Assertion['type'];
export const ASSERTION_TYPES = [
  'body-contains',
  'body-not-contains',
  'body-matches',
  'json-path',
  'header',
  'response-time',
] as const satisfies readonly AssertionType[];

export const SITE_STATES = ['pending', 'up', 'degraded', 'down', 'paused'] as const;
export type SiteState = (typeof SITE_STATES)[number];

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface CheckError {
  kind: ErrorKind;
  message: string;
}

/**
 * Where one check spent its time, in milliseconds on a monotonic clock. Over all redirect hops,
 * `dnsMs + connectMs + tlsMs + ttfbMs + transferMs === totalMs` (within rounding); a phase that did not happen
 * (an IP literal needs no DNS, plain http has no TLS) is 0, and a phase cut short by a failure counts up to the
 * failure.
 */
export interface Timings {
  dnsMs: number;
  connectMs: number;
  tlsMs: number;
  /** From the request written on a ready connection to the response headers. */
  ttfbMs: number;
  /** From the response headers to the end of the body (read up to the cap, the rest drained). */
  transferMs: number;
  totalMs: number;
}

export interface TlsInfo {
  /** Certificate expiry, epoch ms. */
  validTo: number;
  issuer: string;
}

/**
 * What a user sets about a site: the one shape the schemas validate into (lib/schemas.ts), `db/` stores and the
 * API shows. Adding a setting starts here; the compiler then names every place that must learn it.
 */
export interface SiteSettings {
  name: string;
  /** What is checked (default `http`); decides what `url` holds and which of the settings below apply. */
  kind: SiteKind;
  /**
   * http: `http(s)://…`; tcp: `tcp://host:port` (`tls://host:port` to handshake too); dns: `dns://name`;
   * push: `push:` (a push site is reached through its ping URL, not the other way round).
   */
  url: string;
  method: HttpMethod;
  intervalSeconds: number;
  timeoutMs: number;
  /** Status codes that count as up, e.g. `200-399` or `200,204,301-302`. */
  expectedStatus: string;
  followRedirects: boolean;
  /** Extra request headers (`{}` for none); values may be secrets and are never shown back in full. */
  headers: Record<string, string>;
  paused: boolean;
  /** Consecutive failed checks before the site counts as down (1–10). */
  confirmAfter: number;
  /** Consecutive passed checks before a down site counts as up again (1–10). */
  recoverAfter: number;
  /** After a failure not yet confirmed, the next check comes this soon (never later than the interval). */
  retryIntervalSeconds: number;
  /** Degraded when the p95 latency of the last checks is above this; null: never degraded. */
  degradedAboveMs: number | null;
  /** While down, a "still down" reminder this often; null: none. */
  remindEveryMinutes: number | null;
  /** What the response must show, all of them (http; `response-time` for every kind but push). */
  assertions: Assertion[];
  /** http: a request body (POST, PUT, PATCH) and its content type; null: none. */
  requestBody: string | null;
  requestContentType: string | null;
  /** https and tls://: false accepts any certificate (still recording its expiry and issuer). */
  tlsVerify: boolean;
  /** https and tls://: CA certificate(s) in PEM to trust in place of the bundled roots; null: the bundled ones. */
  caPem: string | null;
  /** https and tls://: the name sent as Host/SNI and checked against the certificate; null: the URL's host. */
  hostHeader: string | null;
  /** dns: the record type asked for. */
  dnsRecordType: DnsRecordType;
  /** dns: `ip` or `ip:port` of the server asked; null: the system's resolvers. */
  dnsServer: string | null;
  /** dns: values that must all be in the answer; empty: any answer is up. */
  dnsExpected: string[];
  /** push: seconds after the interval before a missing ping counts as down. */
  pushGraceSeconds: number;
}

/** Every key of SiteSettings, in the order the API shows them; the `satisfies` keeps the list complete. */
export const SITE_SETTING_KEYS = Object.keys({
  name: 0,
  url: 0,
  method: 0,
  intervalSeconds: 0,
  timeoutMs: 0,
  expectedStatus: 0,
  followRedirects: 0,
  headers: 0,
  paused: 0,
  confirmAfter: 0,
  recoverAfter: 0,
  retryIntervalSeconds: 0,
  degradedAboveMs: 0,
  remindEveryMinutes: 0,
  kind: 0,
  assertions: 0,
  requestBody: 0,
  requestContentType: 0,
  tlsVerify: 0,
  caPem: 0,
  hostHeader: 0,
  dnsRecordType: 0,
  dnsServer: 0,
  dnsExpected: 0,
  pushGraceSeconds: 0,
} satisfies Record<keyof SiteSettings, 0>) as readonly (keyof SiteSettings)[];

/** The alert settings a new site may leave out, and what it gets then. */
export const ALERT_SETTING_DEFAULTS = {
  confirmAfter: 2,
  recoverAfter: 1,
  retryIntervalSeconds: 10,
  degradedAboveMs: null,
  remindEveryMinutes: null,
} as const satisfies Partial<SiteSettings>;
export type AlertSettingKey = keyof typeof ALERT_SETTING_DEFAULTS;

/** The check-kind settings a new site may leave out, and what it gets then: an HTTP check as before. */
export type KindSettingKey =
  | 'kind'
  | 'assertions'
  | 'requestBody'
  | 'requestContentType'
  | 'tlsVerify'
  | 'caPem'
  | 'hostHeader'
  | 'dnsRecordType'
  | 'dnsServer'
  | 'dnsExpected'
  | 'pushGraceSeconds';
export const KIND_SETTING_DEFAULTS: Readonly<Pick<SiteSettings, KindSettingKey>> = {
  kind: 'http',
  assertions: [],
  requestBody: null,
  requestContentType: null,
  tlsVerify: true,
  caPem: null,
  hostHeader: null,
  dnsRecordType: 'A',
  dnsServer: null,
  dnsExpected: [],
  pushGraceSeconds: 60,
};

/** A site's settings as a create takes them: the alert settings default (ALERT_SETTING_DEFAULTS). */
export type NewSiteSettings = Omit<SiteSettings, AlertSettingKey | KindSettingKey> &
  Partial<Pick<SiteSettings, AlertSettingKey | KindSettingKey>>;

/** A site as the rest of the app sees it. Times are epoch milliseconds. */
export interface Site extends SiteSettings {
  id: number;
  state: SiteState;
  createdAt: number;
  updatedAt: number;
  /** Set when someone asks for a check now; the scheduler runs one when it sees a new value. */
  checkRequestedAt: number | null;
  /** The notification channels its alerts go to (site_channels), ascending ids. */
  channels: number[];
}

/**
 * A site's state and what it is decided from, as stored beside the site. The decision (lib/monitor/state.ts)
 * reads one of these and returns the next; `db/` stores it as given.
 */
export interface SiteStatus {
  siteId: number;
  state: SiteState;
  /** The newest check counted so far, or null before the first. */
  lastCheckId: number | null;
  /** When that check started (epoch ms): a result older than this is late and changes nothing. */
  lastCheckedAt: number | null;
  /** Consecutive failed checks up to the newest one; 0 once one passes. */
  failStreak: number;
  /** Consecutive passed checks up to the newest one; 0 once one fails. */
  passStreak: number;
  /**
   * The first failing check of the current failure (its start time and id): set by the first failure, kept
   * while the site is down (a pass short of `recoverAfter` does not end the outage), cleared by a pass otherwise.
   */
  failSince: number | null;
  failCheckId: number | null;
  /** Total latency (ms) of the last passed checks, oldest first, at most LATENCY_WINDOW of them. */
  latencies: number[];
}

/** How many passed checks' latencies the degraded decision reads. */
export const LATENCY_WINDOW = 5;

/** The settings a state decision reads. */
export type StateSettings = Pick<SiteSettings, 'paused' | 'confirmAfter' | 'recoverAfter' | 'degradedAboveMs'>;

/** What moves a site's state: a new check result, or a change to its settings (create, edit, pause, resume). */
export type StateEvent =
  | { kind: 'check'; checkId: number; checkedAt: number; ok: boolean; latencyMs: number }
  | { kind: 'settings'; at: number };

/** A change of state: what a caller turns into incident and alert rows, in the transaction that made it. */
export interface Transition {
  siteId: number;
  from: SiteState;
  to: SiteState;
  /** When it happened, epoch ms: the check's start, or the time of the settings change. */
  at: number;
  /** The check that caused it, when one did. */
  checkId?: number;
  /** Into `down`: the first failing check of the outage (start time and id), earlier than `at` when confirmed late. */
  since?: number;
  sinceCheckId?: number | null;
  /** Into or out of `degraded`: the latency figures that decided it. */
  latency?: { p95Ms: number; thresholdMs: number; samples: number };
}

export interface StateDecision {
  /** The status to store: the same object as the previous one when nothing changed. */
  status: SiteStatus;
  transition: Transition | null;
}

/** The site state machine's signature, so that `db/` can be handed it without importing lib/monitor. */
export type DecideState = (prev: SiteStatus, event: StateEvent, settings: StateSettings) => StateDecision;

/** The newest check of a site, as the overview shows it. */
export interface LastCheck {
  checkedAt: number;
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: CheckError | null;
}

export interface SiteWithLastCheck extends Site {
  lastCheck: LastCheck | null;
}

/** What one check saw, as history keeps it: the part of a probe's result that is stored and reported. */
export interface CheckOutcome {
  /** Wall clock at the start of the check, epoch ms. */
  checkedAt: number;
  ok: boolean;
  statusCode: number | null;
  timings: Timings;
  error: CheckError | null;
  tlsExpiresAt: number | null;
  tlsIssuer: string | null;
  /** What was seen beyond the status, e.g. a DNS answer (`A 192.0.2.1, 192.0.2.2`); absent or null when nothing. */
  detail?: string | null;
}

/** A check of a site, ready to be recorded. */
export interface NewCheck extends CheckOutcome {
  siteId: number;
  /** How late the check started against its due time: the monitor's health, not the site's. */
  lagMs: number;
}

/** One recorded check. */
export interface CheckRecord extends NewCheck {
  id: number;
}

/** A transition that deserves a message, as `db/` hands it to the policy that words it (lib/alerts/transition-event.ts). */
export interface TransitionAlert {
  kind: 'down' | 'up' | 'degraded' | 'undegraded';
  /** The check that made it. */
  at: number;
  site: { id: number; name: string; url: string };
  /** Start of the incident: the first failing check for down, the first slow decision for degraded. */
  since: number;
  /** The first failing check's error (down and up); null when unknown or for latency. */
  cause: { kind: ErrorKind; message: string; statusCode: number | null } | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  latency?: { p95Ms: number; thresholdMs: number; samples: number };
}

/** Turns a transition into the frozen message JSON (an AlertEvent) for one channel's outbox row. */
export type DescribeAlert = (alert: TransitionAlert, idempotencyKey: string) => unknown;

/** A down or degraded period of a site. Times are epoch ms. */
export interface Incident {
  id: number;
  siteId: number;
  siteName: string;
  kind: 'down' | 'degraded';
  startedAt: number;
  confirmedAt: number;
  resolvedAt: number | null;
  cause: { kind: ErrorKind; message: string; statusCode: number | null } | null;
  checks: number;
  failed: number;
}
