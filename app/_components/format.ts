import type { CheckError } from '@/db/domain';

/**
 * Every text the pages make of a time, a latency, a share or a failed check. Pure functions: the same text on
 * server and client for the same inputs. Times: the server does not know the viewer's time zone, so without a
 * `now` (the server, and hydration) a time is written in UTC and says so; with one (the browser, once hydrated)
 * it is local, with the year only when it is not this year's.
 */

export function formatAgo(elapsedMs: number): string {
  const s = Math.max(0, Math.floor(elapsedMs / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * A share 0..1 as a percentage with two decimals, rounded to nearest (2/3 is 66.67%). The two ends are kept
 * honest: anything short of all reads at most 99.99%, anything above none at least 0.01%, so a single failed
 * check among thousands never shows as a perfect 100%.
 */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  if (ratio >= 1) return '100%';
  if (ratio <= 0) return '0%';
  const hundredths = Math.min(9999, Math.max(1, Math.round(ratio * 10000)));
  return `${(hundredths / 100).toFixed(2)}%`;
}

/** Uptime is a share of checks: the one percentage format. */
export const formatUptime = formatPercent;

// Formatters are built once per shape: building one costs more than formatting with it.
const utcDateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const utcDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium' });
const localDateTimes = new Map<boolean, Intl.DateTimeFormat>();
let localDate: Intl.DateTimeFormat | undefined;

/** A date and time to the second: local with `now` (the browser), else UTC with the zone named. */
export function formatDateTime(value: string | number | Date, now: number | null): string {
  const date = new Date(value);
  if (now === null) return `${utcDateTime.format(date)} UTC`;
  const withYear = date.getFullYear() !== new Date(now).getFullYear();
  let format = localDateTimes.get(withYear);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      year: withYear ? 'numeric' : undefined,
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    localDateTimes.set(withYear, format);
  }
  return format.format(date);
}

/** A calendar date: local with `now`, else UTC with the zone named. */
export function formatDate(value: string | number | Date, now: number | null): string {
  const date = new Date(value);
  if (now === null) return `${utcDate.format(date)} UTC`;
  localDate ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
  return localDate.format(date);
}

/** A time in the viewer's own zone, for code that runs in the browser only (a tooltip, a chart readout). */
export function formatLocalTime(value: string | number | Date): string {
  return formatDateTime(value, Date.now());
}

/**
 * A site's address as a person tells sites apart: host and path (and query), without the scheme; a bare `/`
 * path is left off. Text that is not a URL is returned as it is.
 */
export function formatAddress(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname === '/' && u.search === '' ? '' : `${u.pathname}${u.search}`;
    return `${u.host}${path}`;
  } catch {
    return url;
  }
}

const KIND_WORDS: Record<CheckError['kind'], string> = {
  dns: 'DNS',
  refused: 'Refused',
  reset: 'Reset',
  timeout: 'Timeout',
  tls: 'TLS',
  status: 'HTTP',
  redirects: 'Redirects',
  protocol: 'Protocol',
  blocked: 'Blocked',
  assertion: 'Assertion',
  push: 'Push',
  unknown: 'Error',
};

/**
 * Why a check failed, in words that stand on their own (no tooltip needed): `HTTP 503`,
 * `DNS: cannot resolve shop.example.com (ENOTFOUND)`, `Timeout: timed out after 5000 ms waiting for the response`.
 * Null for a check that passed.
 */
export function describeFailure(check: { ok: boolean; statusCode: number | null; error: CheckError | null }): string | null {
  if (check.ok) return null;
  const error = check.error;
  if (!error) return check.statusCode !== null ? `HTTP ${check.statusCode}` : 'Failed';
  if (error.kind === 'status' && check.statusCode !== null) return `HTTP ${check.statusCode}`;
  const label = KIND_WORDS[error.kind] ?? 'Error';
  // The probe's own TLS sentences already start with "TLS".
  if (error.message.toLowerCase().startsWith(label.toLowerCase())) return error.message;
  return `${label}: ${error.message}`;
}
