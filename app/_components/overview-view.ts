import { SITE_STATES, type SiteState } from '@/db/domain';
import { compareSites, countStates, type OverviewSiteWire, type OverviewWire } from './overview-types';

/**
 * What the overview shows: which states (the summary chips) and in which order (the column headers). It lives in
 * the URL query (`?state=down,pending&sort=latency&dir=desc`), so a reload or a shared link shows the same list;
 * the server reads it too, so the rows it renders first are the ones the browser keeps.
 */

export const SORT_KEYS = ['state', 'name', 'latency', 'uptime'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export interface OverviewView {
  /** States shown; empty shows every state. */
  states: readonly SiteState[];
  sort: SortKey;
  dir: SortDir;
}

export const DEFAULT_VIEW: OverviewView = { states: [], sort: 'state', dir: 'asc' };

type Query = URLSearchParams | Record<string, string | string[] | undefined>;

function read(query: Query, key: string): string | undefined {
  if (query instanceof URLSearchParams) return query.get(key) ?? undefined;
  const v = query[key];
  return Array.isArray(v) ? v[0] : v;
}

/** The view a query asks for; anything unknown falls back to the default, never an error. */
export function parseView(query: Query): OverviewView {
  const states = (read(query, 'state') ?? '')
    .split(',')
    .filter((s): s is SiteState => (SITE_STATES as readonly string[]).includes(s));
  const sort = read(query, 'sort');
  const dir = read(query, 'dir');
  return {
    // In the fixed order of SITE_STATES, without repeats, so one view has one query.
    states: SITE_STATES.filter((s) => states.includes(s)),
    sort: (SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : DEFAULT_VIEW.sort,
    dir: dir === 'desc' ? 'desc' : 'asc',
  };
}

/** Writes the view into `params` (left out where it is the default), keeping any other parameter. */
export function writeView(params: URLSearchParams, view: OverviewView): URLSearchParams {
  const out = new URLSearchParams(params);
  if (view.states.length > 0) out.set('state', view.states.join(','));
  else out.delete('state');
  if (view.sort !== DEFAULT_VIEW.sort || view.dir !== DEFAULT_VIEW.dir) {
    out.set('sort', view.sort);
    out.set('dir', view.dir);
  } else {
    out.delete('sort');
    out.delete('dir');
  }
  return out;
}

export function toggleState(view: OverviewView, state: SiteState): OverviewView {
  const states = view.states.includes(state) ? view.states.filter((s) => s !== state) : [...view.states, state];
  return { ...view, states: SITE_STATES.filter((s) => states.includes(s)) };
}

/** A click on a column header: that column ascending, or the other way round when it already sorts. */
export function sortBy(view: OverviewView, sort: SortKey): OverviewView {
  if (view.sort === sort) return { ...view, dir: view.dir === 'asc' ? 'desc' : 'asc' };
  return { ...view, sort, dir: 'asc' };
}

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Sites without the figure (never checked) go last whichever way the column sorts. */
function compareNullable(a: number | null | undefined, b: number | null | undefined, sign: number): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  return sign * (a - b);
}

export function comparerFor(view: OverviewView): (a: OverviewSiteWire, b: OverviewSiteWire) => number {
  const sign = view.dir === 'asc' ? 1 : -1;
  switch (view.sort) {
    case 'state':
      return (a, b) => sign * compareSites(a, b);
    case 'name':
      return (a, b) => sign * byName.compare(a.name, b.name) || compareSites(a, b);
    case 'latency':
      return (a, b) => compareNullable(a.lastCheck?.latencyMs, b.lastCheck?.latencyMs, sign) || compareSites(a, b);
    case 'uptime':
      return (a, b) => compareNullable(a.uptime24h, b.uptime24h, sign) || compareSites(a, b);
  }
}

/** The sites the view shows, in its order. */
export function applyView(sites: readonly OverviewSiteWire[], view: OverviewView): OverviewSiteWire[] {
  const shown = view.states.length === 0 ? [...sites] : sites.filter((s) => view.states.includes(s.state));
  return shown.sort(comparerFor(view));
}

/** The first `limit` sites the view shows, with the whole list's counts (what the server page sends first). */
export function firstRowsInView(overview: OverviewWire, view: OverviewView, limit: number): OverviewWire {
  if (overview.sites.length <= limit) return overview;
  return {
    at: overview.at,
    sites: applyView(overview.sites, view).slice(0, limit),
    partial: { total: overview.sites.length, counts: countStates(overview.sites) },
  };
}

/** The order in words, for the sort menu and the table's caption. */
export function sortOptionLabel(key: SortKey, dir: SortDir): string {
  switch (key) {
    case 'state':
      return dir === 'asc' ? 'state, down first' : 'state, paused first';
    case 'name':
      return dir === 'asc' ? 'name, A to Z' : 'name, Z to A';
    case 'latency':
      return dir === 'asc' ? 'latency, fastest first' : 'latency, slowest first';
    case 'uptime':
      return dir === 'asc' ? 'uptime, lowest first' : 'uptime, highest first';
  }
}
