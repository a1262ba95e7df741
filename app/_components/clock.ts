'use client';

import { createContext, useSyncExternalStore } from 'react';

/**
 * One shared one-second clock for every "12 s ago" on the page: a single timer, and only the components that
 * show a time re-render on each tick (not the rows around them).
 */

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
let now = 0;

function tick() {
  now = Date.now();
  for (const listener of listeners) listener();
}

// The snapshot must not change between ticks (React compares it), so it is the last tick's time.
export function readNow(): number {
  if (now === 0) now = Date.now();
  return now;
}

export function subscribeToClock(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(tick, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/**
 * The server's "now" when it rendered the page. Server HTML and the first client render both use it, so their
 * text agrees; the client then switches to its own ticking clock.
 */
export const RenderTimeContext = createContext(0);

/** False on the server and during hydration, true afterwards: for output that depends on the viewer (time zone). */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}

function noopSubscribe(): () => void {
  return () => {};
}
