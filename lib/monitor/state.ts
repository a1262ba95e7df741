import type { DecideState, SiteState, SiteStatus, StateSettings } from '../domain';

/**
 * The site state machine, as one pure function: from a site's stored status, one event (a check result or a
 * settings change) and its settings, to the next status and the transition, if any. `db/` calls it inside the
 * transaction that writes the event, so the state can never disagree with the checks, and stores what it returns.
 *
 * Today: `pending` before the first check, then `up` or `down` by the newest check, `paused` while paused. A
 * result older than the newest one counted is late and changes nothing, counters included. The streaks are kept
 * for every counted check (paused or not), so resuming picks up where the checks are.
 */
export const nextSiteState: DecideState = (prev, event, settings) => {
  let counted = prev;
  if (event.kind === 'check') {
    if (prev.lastCheckedAt !== null && event.checkedAt < prev.lastCheckedAt) return { status: prev, transition: null };
    counted = {
      ...prev,
      lastCheckId: event.checkId,
      lastCheckedAt: event.checkedAt,
      failStreak: event.ok ? 0 : prev.failStreak + 1,
      passStreak: event.ok ? prev.passStreak + 1 : 0,
    };
  }
  const state = stateOf(counted, settings);
  if (state === prev.state) return { status: counted, transition: null };
  const at = event.kind === 'check' ? event.checkedAt : event.at;
  return {
    status: { ...counted, state },
    transition: {
      siteId: prev.siteId,
      from: prev.state,
      to: state,
      at,
      ...(event.kind === 'check' ? { checkId: event.checkId } : {}),
    },
  };
};

function stateOf(status: SiteStatus, settings: StateSettings): SiteState {
  if (settings.paused) return 'paused';
  if (status.passStreak > 0) return 'up';
  if (status.failStreak > 0) return 'down';
  return 'pending';
}
