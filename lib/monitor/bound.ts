/**
 * The adaptive bound on checks in flight. A fixed bound is wrong both ways: 100 slots and a mean check of 0.3 s
 * cap the checker at ~330 checks a second however idle the machine is, and a few sites that hang to their
 * timeout hold slots the rest are waiting for. So the bound follows the schedule: it grows while due checks wait
 * for a slot and the event loop has headroom, and shrinks when the loop is busy and checks start late, never
 * above the ceiling (UPBEAT_CONCURRENCY) nor below the floor.
 *
 * This module is the rule alone, a pure function of one period's figures, so it can be tested as a table; the
 * scheduler measures the figures and applies the answer.
 */

/** What the scheduler saw during one adjustment period. */
export interface BoundInput {
  /** The bound in force. */
  bound: number;
  /** Checks running at the end of the period. */
  inFlight: number;
  /** Checks due and waiting for a slot at the end of the period. */
  queued: number;
  /** p99 start lag of the checks that started during the period, ms (0 when none did). */
  lagP99Ms: number;
  /** p99 of how late the event loop ran its timers during the period, ms. */
  loopP99Ms: number;
}

export interface BoundLimits {
  /** UPBEAT_CONCURRENCY: never more in flight than this. */
  ceiling: number;
  /** Never fewer slots than this (or the ceiling, when that is lower). */
  floor: number;
}

/**
 * The loop has headroom while its timers run less late than this, ms. Generous on purpose: more slots do not mean
 * more work (the schedule sets the checks per second; the bound only lets the due ones start), so a check waiting
 * for a slot is nearly always worse than one more socket open.
 */
export const LOOP_HEADROOM_MS = 50;
/** The loop is busy when its timers run this late or later, ms: then more sockets would make every timestamp later. */
export const LOOP_BUSY_MS = 100;
/** Checks start late when their start lag p99 passes this, ms (the on-time target). */
export const LAG_LATE_MS = 100;
/** The slots a checker starts with, and the least it shrinks to. */
export const DEFAULT_FLOOR = 64;
/** How often the scheduler adjusts the bound, ms. */
export const ADJUST_EVERY_MS = 250;

export type BoundMove = 'grow' | 'shrink' | 'hold';

/** The bound a checker starts with: the floor, within the ceiling. */
export function initialBound(limits: BoundLimits): number {
  return Math.max(1, Math.min(limits.ceiling, limits.floor));
}

/**
 * The next bound and why. Grows (at least by half, at most to the ceiling; enough for every waiting check at once
 * if the ceiling allows) when checks wait for a slot and the loop has headroom; shrinks by a quarter when the loop
 * is busy and checks start late, because then more sockets only make every timestamp later; holds otherwise.
 */
export function nextBound(input: BoundInput, limits: BoundLimits): { bound: number; move: BoundMove } {
  const low = Math.max(1, Math.min(limits.ceiling, limits.floor));
  const current = Math.min(limits.ceiling, Math.max(low, input.bound));
  if (input.loopP99Ms >= LOOP_BUSY_MS && input.lagP99Ms > LAG_LATE_MS) {
    const bound = Math.max(low, Math.floor(current * 0.75));
    return { bound, move: bound < current ? 'shrink' : 'hold' };
  }
  if (input.queued > 0 && input.loopP99Ms < LOOP_HEADROOM_MS) {
    const bound = Math.min(limits.ceiling, Math.max(current + Math.ceil(current / 2), input.inFlight + input.queued));
    return { bound, move: bound > current ? 'grow' : 'hold' };
  }
  return { bound: current, move: 'hold' };
}
