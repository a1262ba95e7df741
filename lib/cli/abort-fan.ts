/**
 * One run's stop signal shared by any number of checks. Handing the run's signal to every check would add one
 * abort listener per check in flight to that one signal (Node warns past 10, and a long list keeps hundreds).
 * Instead the run's signal gets ONE listener, and each check gets a signal of its own that this aborts.
 */
export interface AbortFan {
  /** A signal for one check, aborted when the run's signal is; `release` it when the check ends. */
  take(): { signal: AbortSignal; release(): void };
  /** Takes the one listener off the run's signal. */
  close(): void;
}

export function fanOutAbort(signal: AbortSignal): AbortFan {
  const live = new Set<AbortController>();
  const onAbort = () => {
    for (const c of live) c.abort(signal.reason);
    live.clear();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    take() {
      const controller = new AbortController();
      if (signal.aborted) controller.abort(signal.reason);
      else live.add(controller);
      return { signal: controller.signal, release: () => live.delete(controller) };
    },
    close() {
      signal.removeEventListener('abort', onAbort);
      live.clear();
    },
  };
}
