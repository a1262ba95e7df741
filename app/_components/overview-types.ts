import type { SiteState } from '@/db/domain';
import type { ApiSite } from '@/lib/api/present';

/**
 * The wire shape of `GET /api/overview`, which the server page also passes to the overview island as its first
 * data. Pure types and helpers, safe in the browser bundle.
 */

/**
 * The fields of a site the overview shows. Its other settings (headers, method, alerts …) are not sent: a
 * thousand sites' settings were a third of the payload, and the edit dialog reads the one site it edits.
 */
export const OVERVIEW_SITE_FIELDS = ['id', 'name', 'kind', 'url', 'dnsRecordType', 'state', 'paused', 'lastCheck'] as const;

export interface OverviewSiteWire extends Pick<ApiSite, (typeof OVERVIEW_SITE_FIELDS)[number]> {
  /** Share of the last 24 h's checks that passed, 0..1; null before the first check. */
  uptime24h: number | null;
  checks24h: number;
  /** The configuration file that declares the site (then it is changed there, not here); absent when none does. */
  managedBy?: string;
  /** The last hour, a minute a field from `from` (epoch ms): see spark-minutes.ts. */
  spark: { from: number; bucketMs: number; minutes: string };
}

export interface OverviewWire {
  /** Server time of the reading, epoch ms. */
  at: number;
  sites: OverviewSiteWire[];
  /**
   * Set when `sites` holds only the first rows in display order: the server page sends those for its first
   * paint and the browser loads the rest as soon as its event stream opens.
   */
  partial?: { total: number; counts: StateCounts };
}

/**
 * Sites the server page sends with its HTML: the rows its first window renders (overview-rows.ts FIRST_WINDOW,
 * a tall screen's worth and more); the browser loads the rest once it is live.
 */
export const FIRST_ROWS = 40;

/** Down first (they need someone), then degraded, pending, up, paused; by name within each group. */
const STATE_ORDER: Record<SiteState, number> = { down: 0, degraded: 1, pending: 2, up: 3, paused: 4 };

// A fixed locale: the server picks the first rows in this order and the browser must agree, whatever its own
// language. `numeric` sorts "web-2" before "web-10".
const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

export function compareSites(a: OverviewSiteWire, b: OverviewSiteWire): number {
  return STATE_ORDER[a.state] - STATE_ORDER[b.state] || byName.compare(a.name, b.name) || a.id - b.id;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The first `limit` sites in display order, with the whole list's counts. */
export function firstRowsOf(overview: OverviewWire, limit: number): OverviewWire {
  if (overview.sites.length <= limit) return overview;
  const sites = [...overview.sites].sort(compareSites).slice(0, limit);
  return { at: overview.at, sites, partial: { total: overview.sites.length, counts: countStates(overview.sites) } };
}

export interface StateCounts {
  up: number;
  degraded: number;
  down: number;
  pending: number;
  paused: number;
}

export function countStates(sites: readonly OverviewSiteWire[]): StateCounts {
  const counts: StateCounts = { up: 0, degraded: 0, down: 0, pending: 0, paused: 0 };
  for (const s of sites) counts[s.state]++;
  return counts;
}

/** The tab title: the down count first, so it shows in a crowded tab bar. */
export function titleFor(down: number): string {
  return down > 0 ? `(${down} down) Upbeat` : 'Upbeat';
}
