import { useSyncExternalStore } from 'react';

/**
 * The site page's clock. Times themselves are written by app/_components/format.ts; this says when the viewer's
 * time zone may be used (after hydration) and what "now" is for days-left counts.
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

const DAY_MS = 86_400_000;

/** Whole days from now to `expiresAt`, negative once past. */
export function daysLeft(expiresAt: string, now: number): number {
  return Math.floor((Date.parse(expiresAt) - now) / DAY_MS);
}
