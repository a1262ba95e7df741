import type { Store } from '../db';
import { getStore } from './store';

/**
 * What changed, as the live views need to hear it. `checks` names the sites that got new results; `sites`
 * says that sites were added, edited, paused, removed or asked for a check (the view reloads the list).
 */
export type ChangeEvent = { type: 'checks'; siteIds: number[] } | { type: 'sites'; revision: number };

export type ChangeListener = (event: ChangeEvent) => void;

/** The part of the store the feed reads: two cheap counters and the sites behind new check rows. */
export type ChangeSource = Pick<Store, 'checkedSince' | 'latestCheckId' | 'sitesRevision'>;

export interface ChangeFeed {
  /** Adds a listener; the returned function removes it. The feed polls only while it has listeners. */
  subscribe(listener: ChangeListener): () => void;
  readonly listenerCount: number;
}

export const CHANGE_POLL_MS = 300;

/**
 * Learns of changes from the DATABASE, not from memory, so results written by a checker running as its own
 * process reach the browser the same way as results written in this one. One timer serves every listener:
 * each tick costs two indexed reads however many browsers are watching.
 */
export function createChangeFeed(source: ChangeSource, options: { pollMs?: number } = {}): ChangeFeed {
  const pollMs = options.pollMs ?? CHANGE_POLL_MS;
  const listeners = new Set<ChangeListener>();
  let timer: ReturnType<typeof setInterval> | null = null;
  let checkCursor = 0;
  let revision = 0;

  const emit = (event: ChangeEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        console.error('[events] listener failed:', (err as Error).message);
      }
    }
  };

  const poll = () => {
    try {
      const { latestId, siteIds } = source.checkedSince(checkCursor);
      checkCursor = latestId;
      if (siteIds.length > 0) emit({ type: 'checks', siteIds });
      const rev = source.sitesRevision();
      if (rev !== revision) {
        revision = rev;
        emit({ type: 'sites', revision: rev });
      }
    } catch (err) {
      // A busy or briefly unreadable database must not end the feed; the next tick tries again.
      console.error('[events] could not read changes:', (err as Error).message);
    }
  };

  const start = () => {
    // Start from "now": a listener wants what happens from here on, and reloads the rest itself.
    checkCursor = source.latestCheckId();
    revision = source.sitesRevision();
    timer = setInterval(poll, pollMs);
    timer.unref?.();
  };

  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (timer === null) start();
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}

const KEY = Symbol.for('upbeat.changeFeed');
type Holder = { [KEY]?: ChangeFeed };

/** The process's one feed over its one store (kept on globalThis for the same reason as the store). */
export function getChangeFeed(): ChangeFeed {
  const holder = globalThis as Holder;
  // Each read goes through getStore(), which reopens the file if it was closed meanwhile.
  holder[KEY] ??= createChangeFeed({
    checkedSince: (afterId) => getStore().checkedSince(afterId),
    latestCheckId: () => getStore().latestCheckId(),
    sitesRevision: () => getStore().sitesRevision(),
  });
  return holder[KEY];
}
