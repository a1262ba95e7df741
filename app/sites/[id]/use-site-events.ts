import { useEffect, useRef } from 'react';
import { useLiveEvents } from '@/app/_components/live-events';

/** At most one refresh per this many ms, however often a fast site is checked. */
const MIN_REFRESH_GAP_MS = 1000;

/**
 * Calls `refresh` when the live feed says this site got new checks, when the sites changed (this one may have
 * been edited, paused or removed), and when the feed (re)connects, since nothing is announced while it is down.
 * Throttled, trailing: a burst of events becomes one refresh within a second.
 */
export function useSiteEvents(siteId: number, refresh: () => void): void {
  const latest = useRef(refresh);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);
  useEffect(() => {
    latest.current = refresh;
  });
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  const schedule = () => {
    if (timer.current !== null) return;
    const wait = Math.max(0, last.current + MIN_REFRESH_GAP_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      latest.current();
    }, wait);
  };

  useLiveEvents({
    onChecks: (ids) => {
      if (ids.includes(siteId)) schedule();
    },
    onSites: schedule,
    onOpen: schedule,
  });
}
