/**
 * The Incidents page's filters as the address bar holds them (`?status=open&site=12&range=7d`, or
 * `range=custom&from=2025-03-01&to=2025-03-07`), and the API query they stand for. Pure: the server page and the
 * browser read the same URL the same way.
 */

export const STATUS_FILTERS = ['all', 'open', 'resolved'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const RANGE_FILTERS = ['24h', '7d', '30d', '90d', 'custom'] as const;
export type RangeFilter = (typeof RANGE_FILTERS)[number];

export const RANGE_LABELS: Record<RangeFilter, string> = {
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
  '90d': '90 d',
  custom: 'From–to',
};

const RANGE_MS: Record<Exclude<RangeFilter, 'custom'>, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

export interface IncidentFilters {
  status: StatusFilter;
  siteId: number | null;
  range: RangeFilter;
  /** Calendar days (`YYYY-MM-DD`) of a custom range, in the viewer's time zone; `to` is included. */
  from: string;
  to: string;
}

export const DEFAULT_FILTERS: IncidentFilters = { status: 'all', siteId: null, range: '30d', from: '', to: '' };

/** The newest this many on a site's page; the Incidents page, filtered by the site, has the rest. */
export const SITE_INCIDENTS_SHOWN = 10;

/** Newest this many: a page of incidents is plenty to read; the filters narrow it further. */
export const INCIDENTS_SHOWN = 200;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function param(params: Params, key: string): string | undefined {
  const v = params instanceof URLSearchParams ? params.get(key) : params[key];
  return (Array.isArray(v) ? v[0] : v) ?? undefined;
}

/** Reads the filters from the page's query; an unknown value falls back to the default (links are forgiving). */
export function parseFilters(params: Params): IncidentFilters {
  const status = param(params, 'status');
  const site = param(params, 'site');
  const range = param(params, 'range');
  const from = param(params, 'from') ?? '';
  const to = param(params, 'to') ?? '';
  return {
    status: (STATUS_FILTERS as readonly string[]).includes(status ?? '') ? (status as StatusFilter) : DEFAULT_FILTERS.status,
    siteId: site !== undefined && /^[1-9]\d{0,15}$/.test(site) ? Number(site) : null,
    range: (RANGE_FILTERS as readonly string[]).includes(range ?? '') ? (range as RangeFilter) : DEFAULT_FILTERS.range,
    from: DAY.test(from) ? from : '',
    to: DAY.test(to) ? to : '',
  };
}

/** The page's own query for these filters (defaults left out), for the address bar and links. */
export function filtersToSearch(f: IncidentFilters): string {
  const q = new URLSearchParams();
  if (f.status !== DEFAULT_FILTERS.status) q.set('status', f.status);
  if (f.siteId !== null) q.set('site', String(f.siteId));
  if (f.range !== DEFAULT_FILTERS.range) q.set('range', f.range);
  if (f.range === 'custom') {
    if (f.from) q.set('from', f.from);
    if (f.to) q.set('to', f.to);
  }
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** Midnight starting a calendar day, in this runtime's time zone (the viewer's, in the browser). */
function startOfDay(day: string): number {
  return new Date(`${day}T00:00:00`).getTime();
}

/** `/api/incidents?…` for these filters as of `now`. */
export function apiUrl(f: IncidentFilters, now: number): string {
  const q = new URLSearchParams({ limit: String(INCIDENTS_SHOWN) });
  if (f.status !== 'all') q.set('open', f.status === 'open' ? 'true' : 'false');
  if (f.siteId !== null) q.set('siteId', String(f.siteId));
  if (f.range === 'custom') {
    if (f.from) q.set('from', String(startOfDay(f.from)));
    // The `to` day is included: the range ends at the next midnight.
    if (f.to) q.set('to', String(startOfDay(f.to) + 86_400_000));
  } else {
    q.set('from', String(now - RANGE_MS[f.range]));
  }
  return `/api/incidents?${q}`;
}
