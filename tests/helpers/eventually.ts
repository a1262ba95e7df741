import { performance } from 'node:perf_hooks';

/** What a probe returns while the awaited thing has not happened yet. */
type NotYet = undefined | null | false;

/**
 * Asks `probe` every `everyMs` until it returns something (anything but undefined, null or false) and returns that;
 * throws, naming `what`, once `timeoutMs` has passed. The way a test waits for something another process, timer
 * or socket does, instead of sleeping and hoping it happened.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | NotYet | Promise<T | NotYet>,
  timeoutMs = 5000,
  everyMs = 20,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
