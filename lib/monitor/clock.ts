/** Time as the scheduler sees it; injectable so tests can drive hours of schedule in milliseconds. */
export interface Clock {
  /** Wall-clock epoch milliseconds. Due times are wall-clock so a phase survives a restart. */
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
