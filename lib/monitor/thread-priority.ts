import fs from 'node:fs';
import os from 'node:os';

/**
 * Lets the checker thread go first when the CPU is short. Page renders, API reads and the recorder run on the main
 * thread and may take as long as they like; a check's timestamps may not wait behind them. On a machine with few
 * cores a long render shares a core with the checker, and the scheduler then delays the checker's wake-ups by
 * whole time slices: milliseconds added to recorded latencies. Lowering the main thread's priority (a higher nice
 * value) makes the kernel run the checker first whenever both want a core; the main thread still gets every cycle
 * the checker leaves, which is nearly all of them.
 *
 * Linux keeps a nice value per thread, so this touches only the calling thread. Threads inherit it when created, so
 * it is called once the checker thread exists (a checker restarted after a crash shares the main thread's
 * priority). Raising priority needs privileges; lowering never does.
 */
export async function yieldToCheckerThread(nice: number): Promise<{ applied: boolean; reason?: string }> {
  // libuv's thread pool (file system, name lookups: the checker's too) starts all its threads on first use, and a
  // thread inherits its creator's priority: start it now, at the priority it had, if nothing has yet.
  await fs.promises.stat(os.tmpdir()).catch(() => undefined);
  return lowerThisThreadPriority(nice);
}

/** The calling thread's part of `yieldToCheckerThread`, without starting the thread pool first. */
export function lowerThisThreadPriority(nice: number): { applied: boolean; reason?: string } {
  if (nice <= 0) return { applied: false, reason: 'off' };
  if (process.platform !== 'linux') return { applied: false, reason: 'priorities are per process on this system' };
  try {
    // pid 0 is the calling thread on Linux (getpriority/setpriority with PRIO_PROCESS act on a thread id).
    if (os.getPriority(0) >= nice) return { applied: false, reason: 'already at or below it' };
    os.setPriority(0, nice);
    return { applied: true };
  } catch (err) {
    return { applied: false, reason: (err as Error).message };
  }
}
