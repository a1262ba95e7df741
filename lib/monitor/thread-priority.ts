import fs from 'node:fs';
import os from 'node:os';

/**
 * Lets the checker thread go first when the CPU is short. Page renders, API reads and the recorder run on the main
 * thread and may take as long as they like; a check's timestamps may not wait behind them. On a machine with few
 * cores a long render (and the garbage collection of what it allocated, which V8 does on its own helper threads)
 * shares a core with the checker, and the kernel then delays the checker's wake-ups by whole time slices:
 * milliseconds added to recorded latencies. Lowering the priority of every other thread of the process (a higher
 * nice value) makes the kernel run the checker first whenever both want a core; the others still get every cycle
 * the checker leaves, which is nearly all of them.
 *
 * Linux keeps a nice value per thread and lets a process lower its own threads' priority without privileges
 * (raising it needs them). Only the checker's thread keeps its priority. libuv's thread pool is lowered with the
 * rest: it compresses and reads files for the web side, and it also resolves the checker's host names
 * (getaddrinfo), so on a machine short of CPU a DNS phase may wait behind the web's work as it did before; the
 * connect, TLS and response phases, timed on the checker's own thread, do not. Threads inherit their creator's
 * priority, so a checker thread restarted after a crash runs at the lowered one.
 */

export interface PriorityOutcome {
  applied: boolean;
  /** Threads lowered. */
  lowered?: number;
  reason?: string;
}

/** This thread's id in the operating system (Linux), or null where it cannot be known. */
export function osThreadId(): number | null {
  try {
    // `/proc/thread-self` links to `<pid>/task/<tid>` for the thread that reads it.
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Lowers every thread of this process to `nice` except the checker's (`checkerTid`). */
export async function yieldToCheckerThread(nice: number, checkerTid: number | null): Promise<PriorityOutcome> {
  if (nice <= 0) return { applied: false, reason: 'off' };
  if (process.platform !== 'linux') return { applied: false, reason: 'priorities are per process on this system' };
  if (checkerTid === null) return { applied: false, reason: 'the checker thread did not say which it is' };
  // The pool starts all its threads on first use: start it now if nothing has, so it is lowered with the rest.
  await fs.promises.stat(os.tmpdir()).catch(() => undefined);
  let lowered = 0;
  try {
    for (const entry of fs.readdirSync('/proc/self/task')) {
      const tid = Number(entry);
      if (tid === checkerTid) continue;
      if (lowerThread(tid, nice)) lowered++;
    }
  } catch (err) {
    return { applied: lowered > 0, lowered, reason: (err as Error).message };
  }
  return { applied: lowered > 0, lowered, ...(lowered === 0 ? { reason: 'already at or below it' } : {}) };
}

/** Lowers one thread to `nice` unless it is already there or lower; false when it was (or is gone). */
export function lowerThread(tid: number, nice: number): boolean {
  try {
    if (os.getPriority(tid) >= nice) return false;
    os.setPriority(tid, nice);
    return true;
  } catch {
    return false; // ended meanwhile
  }
}
