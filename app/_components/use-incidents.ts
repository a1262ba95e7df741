'use client';

import { useEffect, useRef } from 'react';
import useSWR from 'swr';
import type { ApiIncidentList } from '@/lib/api/present-incident';
import { api, type ApiFailure } from './api-client';
import { useLiveEvents } from './live-events';

/** At most one reload per this long, however busy the event stream is. */
const MIN_RELOAD_GAP_MS = 1000;
/** While a message is still on its way, how often to look again: deliveries are not on the event stream. */
const PENDING_POLL_MS = 2000;

export class IncidentsError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
  }
}

/**
 * Incidents, kept live by the event stream: an incident opens and closes only in the transaction of a check
 * (the `checks` event) or of a site change such as a pause (`sites`), so reloading on those — and after a
 * reconnect — shows a new one within about a second without polling. Who was notified changes later, when the
 * sender delivers, which no event announces: only while some message is still pending is the list reloaded on
 * a short timer.
 *
 * `key` names the data for SWR; `url()` is read at each load (ranges end "now"). `siteId` limits the events
 * listened to, for one site's list.
 */
export function useIncidents(options: {
  key: string;
  url: () => string;
  fallback?: ApiIncidentList;
  siteId?: number;
}) {
  const { key, url, fallback, siteId } = options;
  const swr = useSWR<ApiIncidentList, IncidentsError>(
    key,
    async () => {
      const result = await api.incidents(url());
      if (!result.ok) throw new IncidentsError(result);
      return result.value;
    },
    {
      fallbackData: fallback,
      keepPreviousData: true,
      revalidateOnMount: fallback === undefined,
      refreshInterval: (data) =>
        data?.incidents.some((i) => i.notified?.some((n) => n.status === 'pending')) ? PENDING_POLL_MS : 0,
    },
  );
  const { mutate } = swr;

  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  const reload = () => {
    if (timer.current !== null) return;
    const wait = Math.max(0, last.current + MIN_RELOAD_GAP_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      void mutate();
    }, wait);
  };
  useLiveEvents({
    onChecks: (ids) => {
      if (siteId === undefined || ids.includes(siteId)) reload();
    },
    onSites: reload,
    onOpen: reload,
  });
  return swr;
}
