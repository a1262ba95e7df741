/**
 * SIGINT/SIGTERM handling for a process that stops gracefully: the first signal starts the stop, and a signal
 * after that means "stop waiting". One Ctrl-C in a terminal reaches the server twice, though: the terminal sends
 * SIGINT to the whole foreground process group, and `npm start` forwards the SIGINT it got to its child too,
 * a moment later. So a signal within SAME_PRESS_MS of the first is taken as the same key press; only a later one
 * forces the exit. A person pressing again because the stop takes long does so seconds later.
 */

/** Signals closer than this to the first one are the same press, forwarded. */
export const SAME_PRESS_MS = 1_000;

export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

export interface StopHandlers {
  /** Called once, for the first signal. */
  stop(signal: StopSignal): void;
  /** Called for a signal arriving SAME_PRESS_MS or more after the first, while the stop is still under way. */
  force(signal: StopSignal): void;
  /** Monotonic milliseconds (performance.now by default). */
  now?: () => number;
}

/** The decision alone, for any source of signals: feed it each signal as it arrives. */
export function stopSignalHandler(handlers: StopHandlers): (signal: StopSignal) => void {
  const now = handlers.now ?? (() => performance.now());
  let firstAt: number | null = null;
  return (signal) => {
    if (firstAt === null) {
      firstAt = now();
      handlers.stop(signal);
    } else if (now() - firstAt >= SAME_PRESS_MS) {
      handlers.force(signal);
    }
  };
}

/** Installs the handler on this process's SIGTERM and SIGINT; returns a function that removes it. */
export function onStopSignals(handlers: StopHandlers): () => void {
  const handle = stopSignalHandler(handlers);
  for (const signal of STOP_SIGNALS) process.on(signal, handle);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handle);
  };
}
