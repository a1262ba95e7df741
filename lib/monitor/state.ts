import { LATENCY_WINDOW } from '../../db/domain';
import type { DecideState, SiteState, SiteStatus, StateSettings, Transition } from '../../db/domain';

/**
 * The site state machine, as one pure function: from a site's stored status, one event (a check result or a
 * settings change) and its settings, to the next status and the transition, if any. `db/` calls it inside the
 * transaction that writes the event, so the state can never disagree with the checks, and stores what it returns.
 *
 * `pending` before the first check; `down` once `confirmAfter` checks in a row failed, and `up` again once
 * `recoverAfter` in a row passed. A failure short of confirmation changes nothing (so a flapping site never goes
 * down with confirmAfter 2). While not down, `degraded` when the p95 latency of the last LATENCY_WINDOW passed
 * checks is above `degradedAboveMs`, `up` when it is not. `paused` while paused. A result older than the newest
 * one counted is late and changes nothing, counters included. The streaks are kept for every counted check
 * (paused or not), so resuming picks up where the checks are.
 */
export const nextSiteState: DecideState = (prev, event, settings) => {
  let counted = prev;
  if (event.kind === 'check') {
    if (prev.lastCheckedAt !== null && event.checkedAt < prev.lastCheckedAt) return { status: prev, transition: null };
    const failStreak = event.ok ? 0 : prev.failStreak + 1;
    const passStreak = event.ok ? prev.passStreak + 1 : 0;
    counted = {
      ...prev,
      lastCheckId: event.checkId,
      lastCheckedAt: event.checkedAt,
      failStreak,
      passStreak,
      // Failed checks' latency says nothing about speed (a timeout is the timeout): failures are down's business.
      latencies: event.ok ? [...prev.latencies, event.latencyMs].slice(-LATENCY_WINDOW) : prev.latencies,
    };
    if (!event.ok && prev.failSince === null) {
      counted.failSince = event.checkedAt;
      counted.failCheckId = event.checkId;
    }
  }
  const state = stateOf(prev.state, counted, settings);
  // The outage's first failure is kept while down, forgotten by a pass once the site is no longer down.
  if (counted.passStreak > 0 && state !== 'down' && counted.failSince !== null) {
    counted = { ...counted, failSince: null, failCheckId: null };
  }
  if (state === prev.state) return { status: counted, transition: null };
  const at = event.kind === 'check' ? event.checkedAt : event.at;
  const transition: Transition = {
    siteId: prev.siteId,
    from: prev.state,
    to: state,
    at,
    ...(event.kind === 'check' ? { checkId: event.checkId } : {}),
  };
  if (state === 'down') {
    transition.since = counted.failSince ?? at;
    transition.sinceCheckId = counted.failCheckId;
  }
  if ((state === 'degraded' || prev.state === 'degraded') && settings.degradedAboveMs !== null) {
    transition.latency = {
      p95Ms: p95(counted.latencies),
      thresholdMs: settings.degradedAboveMs,
      samples: counted.latencies.length,
    };
  }
  return { status: { ...counted, state }, transition };
};

function stateOf(prev: SiteState, s: SiteStatus, settings: StateSettings): SiteState {
  if (settings.paused) return 'paused';
  if (s.failStreak >= settings.confirmAfter) return 'down';
  if (prev === 'down' && s.passStreak < settings.recoverAfter) return 'down';
  if (s.failStreak > 0) {
    // Not confirmed: the site keeps its state. Resumed in the middle of a failure, it is not known yet.
    return prev === 'paused' ? 'pending' : prev;
  }
  if (s.passStreak === 0) return 'pending';
  return isSlow(s.latencies, settings.degradedAboveMs) ? 'degraded' : 'up';
}

/** Slow only with a full window, so a new site (or one slow sample) never decides it. */
function isSlow(latencies: readonly number[], thresholdMs: number | null): boolean {
  if (thresholdMs === null || latencies.length < LATENCY_WINDOW) return false;
  return p95(latencies) > thresholdMs;
}

/**
 * The p95 by the lower nearest rank: with 5 samples it is the second slowest, so a single outlier never makes a
 * site degraded; it takes two slow checks out of the last five.
 */
export function p95(latencies: readonly number[]): number {
  if (latencies.length === 0) return 0;
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.floor(0.95 * (sorted.length - 1))]!;
}
