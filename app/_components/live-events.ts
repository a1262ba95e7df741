'use client';

import { useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import { api } from './api-client';

/**
 * One EventSource per tab on `/api/events`, shared by every component that listens, opened while at least one
 * listens. `onOpen` fires on the first connection and after every reconnect: whatever happened while the stream
 * was down was not announced, so listeners reload what they show. A stream the server refuses because the
 * session has ended leads to the login page (through api-client.ts), not to a page that silently stops updating.
 */

export interface LiveHandlers {
  /** These sites have new check results. */
  onChecks?: (siteIds: number[]) => void;
  /** Sites were added, edited, paused, removed or asked for a check. */
  onSites?: () => void;
  /** The stream (re)connected. */
  onOpen?: () => void;
}

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

const EVENTS_URL = '/api/events';
/** When the browser gives up (the server answered with an error), try again after this long. */
const REOPEN_MS = 3_000;

const subscribers = new Set<LiveHandlers>();
const statusListeners = new Set<() => void>();
let source: EventSource | null = null;
let reopenTimer: ReturnType<typeof setTimeout> | null = null;
let status: LiveStatus = 'connecting';

function setStatus(next: LiveStatus) {
  if (next === status) return;
  status = next;
  for (const listener of statusListeners) listener();
}

function parseIds(data: string): number[] {
  try {
    const parsed = JSON.parse(data) as { siteIds?: unknown };
    return Array.isArray(parsed.siteIds) ? parsed.siteIds.filter((id): id is number => typeof id === 'number') : [];
  } catch {
    return [];
  }
}

function open() {
  if (source || typeof EventSource === 'undefined') return;
  const es = new EventSource(EVENTS_URL);
  source = es;
  es.addEventListener('open', () => {
    setStatus('live');
    for (const s of subscribers) s.onOpen?.();
  });
  es.addEventListener('checks', (e) => {
    const ids = parseIds((e as MessageEvent<string>).data);
    if (ids.length > 0) for (const s of subscribers) s.onChecks?.(ids);
  });
  es.addEventListener('sites', () => {
    for (const s of subscribers) s.onSites?.();
  });
  es.addEventListener('error', () => {
    setStatus('reconnecting');
    // CONNECTING: the browser retries by itself. CLOSED: the server refused the stream with an HTTP error, which
    // EventSource does not show: ask why (a 401 goes to the login page), then start over later.
    if (es.readyState === EventSource.CLOSED) {
      close();
      void api.checkEventStream(EVENTS_URL).then(() => {
        reopenTimer ??= setTimeout(() => {
          reopenTimer = null;
          if (subscribers.size > 0) open();
        }, REOPEN_MS);
      });
    }
  });
}

function close() {
  source?.close();
  source = null;
}

function subscribe(handlers: LiveHandlers): () => void {
  subscribers.add(handlers);
  open();
  return () => {
    subscribers.delete(handlers);
    if (subscribers.size === 0) {
      close();
      if (reopenTimer) clearTimeout(reopenTimer);
      reopenTimer = null;
      setStatus('connecting');
    }
  };
}

/** Listens to the live stream for as long as the component is mounted. Handlers may change between renders. */
export function useLiveEvents(handlers: LiveHandlers): void {
  const onChecks = useEffectEvent((ids: number[]) => handlers.onChecks?.(ids));
  const onSites = useEffectEvent(() => handlers.onSites?.());
  const onOpen = useEffectEvent(() => handlers.onOpen?.());
  useEffect(() => subscribe({ onChecks, onSites, onOpen }), []);
}

/** Whether the live stream is connected, for a "reconnecting" notice. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    () => status,
    () => 'connecting',
  );
}
