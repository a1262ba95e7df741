import { useSyncExternalStore } from 'react';

/**
 * Formatting for the site page. The server does not know the viewer's time zone, so it renders times in UTC
 * (labelled) and the browser swaps in local time once hydrated: the same markup on both sides, no mismatch.
 */

const MINUTE_MS = 60_000;
const subscribeMinutes = (onChange: () => void) => {
  const timer = setInterval(onChange, MINUTE_MS);
  return () => clearInterval(timer);
};

/**
 * The current time to the minute once hydrated, updated every minute; null on the server and during hydration,
 * which is how the page knows when the viewer's time zone can be used.
 */
export function useMinute(): number | null {
  return useSyncExternalStore(
    subscribeMinutes,
    () => Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS,
    () => null,
  );
}

const utcFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const utcDateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium' });

const localFormats = new Map<boolean, Intl.DateTimeFormat>();

/**
 * A check's time. With `now` (in the browser): local time, the year only when it is not this year's. Without
 * (on the server): UTC, zone named.
 */
export function formatDateTime(value: string | number, now: number | null): string {
  const date = new Date(value);
  if (now === null) return `${utcFormat.format(date)} UTC`;
  const withYear = date.getFullYear() !== new Date(now).getFullYear();
  let format = localFormats.get(withYear);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      year: withYear ? 'numeric' : undefined,
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    localFormats.set(withYear, format);
  }
  return format.format(date);
}

let localDateFormat: Intl.DateTimeFormat | undefined;

/** A calendar date: local in the browser, UTC (named) on the server. */
export function formatDate(value: string | number, local: boolean): string {
  const date = new Date(value);
  if (!local) return `${utcDateFormat.format(date)} UTC`;
  localDateFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
  return localDateFormat.format(date);
}

const DAY_MS = 86_400_000;

/** Whole days from now to `expiresAt`, negative once past. */
export function daysLeft(expiresAt: string, now: number): number {
  return Math.floor((Date.parse(expiresAt) - now) / DAY_MS);
}
