import type { FailureCounts, NewOutboxRow, OutboxRow, Store } from '../../db';
import type { ErrorKind } from '../../db/domain';
import type { AlertEvent, GroupedSite, NetworkEvent, StormEvent } from './event';

/**
 * Storms: when many sites go down together, their `down` messages are held and, once the storm settles, each
 * channel gets ONE grouped message in their place (the carried rows become `grouped`). Recoveries of sites whose
 * down message was grouped are grouped the same way. Only messages are grouped: site states and incidents are
 * written by the checker as they happen. Everything this decides from is in the database (pending rows and
 * their times, the newest checks), so after a restart a half-gathered storm is picked up where it was.
 */

export interface StormOptions {
  /** A storm needs more than this many sites failing … */
  minSites: number;
  /** … and more than this share of the active sites. */
  minShare: number;
  /** Gathering ends once no new message has come for this long, ms … */
  quietMs: number;
  /** … or this long after the first held message, whichever is first. */
  maxHoldMs: number;
  /**
   * The monitor's own network is probably down when at least this share of active sites fails …
   */
  networkShareOfActive: number;
  /** … and at least this share of the failures are dns, connection refused or timeout. */
  networkShareOfKinds: number;
  /** Recoveries are grouped when their site's down message was grouped within this long before, ms. */
  recoveryWithinMs: number;
}

export const DEFAULT_STORM_OPTIONS: StormOptions = {
  minSites: 10,
  minShare: 0.3,
  quietMs: 15_000,
  maxHoldMs: 60_000,
  networkShareOfActive: 0.8,
  networkShareOfKinds: 0.9,
  recoveryWithinMs: 24 * 3_600_000,
};

const NETWORK_KINDS: readonly ErrorKind[] = ['dns', 'refused', 'timeout'];

/** Whether this many failing sites out of `active` is a storm. Pure. */
export function isStorm(failing: number, active: number, options: StormOptions): boolean {
  return failing > options.minSites && failing > options.minShare * active;
}

/** Whether the failures look like the monitor's own network rather than the sites. Pure. */
export function looksLikeOwnNetwork(counts: FailureCounts, options: StormOptions): boolean {
  if (counts.failing === 0 || counts.failing < options.networkShareOfActive * counts.active) return false;
  const network = NETWORK_KINDS.reduce((n, kind) => n + (counts.byKind[kind] ?? 0), 0);
  return network >= options.networkShareOfKinds * counts.failing;
}

export interface StormWatchOptions {
  store: Store;
  options: StormOptions;
  /** The dashboard in Upbeat, for the grouped message's link. */
  link: string | null;
  log?: (line: string) => void;
}

/** Decides, tick by tick, which pending messages are held for a grouped one, and writes the grouped ones. */
export class StormWatch {
  /** Rows let through on their own (a "group" of one on its channel), so they are not held again. */
  private readonly released = new Set<number>();
  private gathering = false;

  constructor(private readonly watch: StormWatchOptions) {}

  /**
   * Looks at the pending `down` and post-storm `up` rows: groups those whose storm has settled and returns the
   * ids still held. `inFlight` rows are being delivered already and are left alone.
   */
  evaluate(now: number, inFlight: ReadonlySet<number>): Set<number> {
    const held = new Set<number>();
    const { store, options } = this.watch;
    const downs = store.pendingOutboxOfKind('down').filter((r) => !inFlight.has(r.id) && !this.released.has(r.id));
    if (downs.length > 0) {
      const counts = store.failureCounts();
      const sites = new Set(downs.map((r) => r.siteId)).size;
      const storm = isStorm(counts.failing, counts.active, options) || isStorm(sites, counts.active, options);
      if (storm || this.gathering) {
        this.gathering = true;
        if (this.hasSettled(downs, now)) {
          this.group(downs, 'down', now, counts);
          this.gathering = storm;
        } else for (const r of downs) held.add(r.id);
      }
    } else this.gathering = false;

    const ups = store
      .pendingRecoveriesAfterStorm(options.recoveryWithinMs)
      .filter((r) => !inFlight.has(r.id) && !this.released.has(r.id));
    if (ups.length > 0) {
      if (this.hasSettled(ups, now)) this.group(ups, 'up', now, null);
      else for (const r of ups) held.add(r.id);
    }
    return held;
  }

  private hasSettled(rows: readonly OutboxRow[], now: number): boolean {
    let oldest = Infinity;
    let newest = -Infinity;
    for (const r of rows) {
      oldest = Math.min(oldest, r.createdAt);
      newest = Math.max(newest, r.createdAt);
    }
    return now - newest >= this.watch.options.quietMs || now - oldest >= this.watch.options.maxHoldMs;
  }

  /** One grouped row per channel carrying at least two messages; a lone message goes out as itself. */
  private group(rows: readonly OutboxRow[], state: 'down' | 'up', now: number, counts: FailureCounts | null): void {
    const byChannel = new Map<number, OutboxRow[]>();
    for (const r of rows) byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r]);
    const network = counts !== null && looksLikeOwnNetwork(counts, this.watch.options);
    const groupRows: NewOutboxRow[] = [];
    const carried: number[] = [];
    for (const [channelId, list] of byChannel) {
      if (list.length < 2) {
        for (const r of list) this.released.add(r.id);
        continue;
      }
      const first = Math.min(...list.map((r) => r.id));
      const key = `${network ? 'network' : 'storm'}:${state}:ch${channelId}:o${first}`;
      const event = groupedEvent(list, state, key, now, this.watch.link, network ? counts : null);
      groupRows.push({
        channelId,
        siteId: null,
        incidentId: null,
        kind: event.kind,
        idempotencyKey: key,
        payload: JSON.stringify(event),
        createdAt: now,
      });
      carried.push(...list.map((r) => r.id));
    }
    if (groupRows.length === 0) return;
    this.watch.store.groupOutbox(groupRows, carried, now);
    this.watch.log?.(
      `[alerts] ${carried.length} ${state} messages grouped into ${groupRows.length} (${network ? 'network' : 'storm'})`,
    );
  }
}

function groupedEvent(
  rows: readonly OutboxRow[],
  state: 'down' | 'up',
  key: string,
  now: number,
  link: string | null,
  network: FailureCounts | null,
): StormEvent | NetworkEvent {
  const sites: GroupedSite[] = [];
  for (const r of [...rows].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)) {
    const event = parseEvent(r.payload);
    if (event === null || !('site' in event)) continue;
    const cause = state === 'down' && 'cause' in event ? event.cause : null;
    sites.push({ site: event.site, cause, since: state === 'down' && 'since' in event ? event.since : event.at });
  }
  const group = { state, total: rows.length, sites: sites.slice(0, 50) };
  if (network !== null) {
    return {
      kind: 'network',
      idempotencyKey: key,
      at: now,
      group: { ...group, total: network.failing, checked: network.active, byKind: network.byKind },
      link,
    };
  }
  return { kind: 'storm', idempotencyKey: key, at: now, group, link };
}

export function parseEvent(payload: string): AlertEvent | null {
  try {
    const v: unknown = JSON.parse(payload);
    return v !== null && typeof v === 'object' && 'kind' in v ? (v as AlertEvent) : null;
  } catch {
    return null;
  }
}
