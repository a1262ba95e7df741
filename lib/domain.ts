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
  'unknown',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const SITE_STATES = ['pending', 'up', 'down', 'paused'] as const;
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

/** A site as the rest of the app sees it. Times are epoch milliseconds. */
export interface Site {
  id: number;
  name: string;
  url: string;
  method: HttpMethod;
  intervalSeconds: number;
  timeoutMs: number;
  /** Status codes that count as up, e.g. `200-399` or `200,204,301-302`. */
  expectedStatus: string;
  followRedirects: boolean;
  /** Extra request headers; values may be secrets and are never shown back in full. */
  headers?: Record<string, string>;
  paused: boolean;
  state: SiteState;
  createdAt: number;
  updatedAt: number;
  /** Set when someone asks for a check now; the scheduler runs one when it sees a new value. */
  checkRequestedAt: number | null;
}

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

/** One recorded check. */
export interface CheckRecord {
  id: number;
  siteId: number;
  checkedAt: number;
  ok: boolean;
  statusCode: number | null;
  timings: Timings;
  error: CheckError | null;
  /** How late the check started against its due time: the monitor's health, not the site's. */
  lagMs: number;
  tlsExpiresAt: number | null;
  tlsIssuer: string | null;
}

export type NewCheck = Omit<CheckRecord, 'id'>;
