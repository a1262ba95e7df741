import type { PageIncident, PostStatus, Store, StatusPost } from '../../db';
import { stateWords } from './words';

/**
 * What a public status page shows, built from the rollups, incidents and the owner's posts: the one shape the
 * HTML page, its JSON view and its feed all read. It carries nothing of a site that is not on the page, no site
 * ids (sites are numbered by their place on the page) and no URL the owner did not choose to show.
 */

const DAY = 86_400_000;
export const BAR_DAYS = 90;
/** Posts and incidents older than this are off the page. */
export const HISTORY_MS = 90 * DAY;

export type BannerLevel = 'operational' | 'degraded' | 'partial' | 'major' | 'unknown';

export interface DayBar {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  checks: number;
  /** Null when the site was not checked that day. */
  percent: number | null;
  incidents: number;
}

export interface PageSiteView {
  /** Place on the page, from 1. */
  key: number;
  name: string;
  url: string | null;
  state: string;
  stateText: string;
  uptime: { '24h': number | null; '30d': number | null; '90d': number | null };
  days: DayBar[];
}

export interface PageIncidentView {
  site: string;
  kind: string;
  startedAt: string;
  resolvedAt: string | null;
}

export interface PostView {
  id: number;
  kind: 'incident' | 'maintenance';
  title: string;
  status: PostStatus;
  startsAt: string | null;
  endsAt: string | null;
  createdAt: string;
  updatedAt: string;
  updates: { status: PostStatus; message: string; at: string }[];
}

export interface StatusPageData {
  slug: string;
  title: string;
  description: string;
  logoUrl: string | null;
  banner: { level: BannerLevel; text: string };
  groups: { name: string; sites: PageSiteView[] }[];
  /** Maintenance notices in progress now. */
  activeMaintenance: PostView[];
  posts: PostView[];
  incidents: PageIncidentView[];
  generatedAt: string;
  updatedAt: string;
}

const BANNER_TEXT: Record<BannerLevel, string> = {
  operational: 'All systems operational',
  degraded: 'Degraded performance',
  partial: 'Partial outage',
  major: 'Major outage',
  unknown: 'Status not known yet',
};

/** The overall banner from the states of the sites shown: paused and not-yet-checked sites do not count. */
export function bannerOf(states: readonly string[]): { level: BannerLevel; text: string } {
  const counted = states.filter((s) => s !== 'paused' && s !== 'pending');
  const down = counted.filter((s) => s === 'down').length;
  let level: BannerLevel;
  if (counted.length === 0) level = 'unknown';
  else if (down === counted.length) level = 'major';
  else if (down > 0) level = 'partial';
  else if (counted.some((s) => s !== 'up')) level = 'degraded';
  else level = 'operational';
  return { level, text: BANNER_TEXT[level] };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function presentPost(p: StatusPost): PostView {
  return {
    id: p.id,
    kind: p.kind,
    title: p.title,
    status: p.updates[0]?.status ?? (p.kind === 'incident' ? 'investigating' : 'scheduled'),
    startsAt: p.startsAt === null ? null : iso(p.startsAt),
    endsAt: p.endsAt === null ? null : iso(p.endsAt),
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    updates: p.updates.map((u) => ({ status: u.status, message: u.message, at: iso(u.createdAt) })),
  };
}

function incidentsOnDay(incidents: readonly PageIncident[], dayStart: number, now: number): number {
  const dayEnd = dayStart + DAY;
  return incidents.filter((i) => i.startedAt < dayEnd && (i.resolvedAt ?? now) >= dayStart).length;
}

/** The page's data as of `now`, or null when no page has this slug. */
export function buildStatusPage(store: Store, slug: string, now: number): StatusPageData | null {
  const page = store.getStatusPageBySlug(slug);
  if (!page) return null;
  const sites = store.statusPageSites(page.id);
  const ids = sites.map((s) => s.siteId);
  const today = Math.floor(now / DAY) * DAY;
  const firstDay = today - (BAR_DAYS - 1) * DAY;
  const dayRows = new Map<string, { checks: number; up: number }>();
  for (const d of store.siteDays(ids, firstDay)) dayRows.set(`${d.siteId}:${d.t}`, d);
  const incidents = store.incidentsSince(ids, now - HISTORY_MS);
  const nameOf = new Map(sites.map((s) => [s.siteId, s.name]));

  const groups: StatusPageData['groups'] = [];
  sites.forEach((s, index) => {
    const windows = store.uptimeWindows(s.siteId, now);
    const own = incidents.filter((i) => i.siteId === s.siteId);
    const days: DayBar[] = [];
    for (let t = firstDay; t <= today; t += DAY) {
      const row = dayRows.get(`${s.siteId}:${t}`);
      const checks = row?.checks ?? 0;
      days.push({
        date: iso(t).slice(0, 10),
        checks,
        percent: checks === 0 ? null : (row!.up / checks) * 100,
        incidents: incidentsOnDay(own, t, now),
      });
    }
    const view: PageSiteView = {
      key: index + 1,
      name: s.name,
      url: s.url,
      state: s.state,
      stateText: stateWords(s.state),
      uptime: { '24h': windows['24h'].percent, '30d': windows['30d'].percent, '90d': windows['90d'].percent },
      days,
    };
    const last = groups.at(-1);
    if (last && last.name === s.group) last.sites.push(view);
    else groups.push({ name: s.group, sites: [view] });
  });

  const posts = store.listStatusPosts(page.id, now - HISTORY_MS, 50).map(presentPost);
  const activeMaintenance = posts.filter(
    (p) => p.kind === 'maintenance' && p.status !== 'completed' && Date.parse(p.startsAt!) <= now && Date.parse(p.endsAt!) > now,
  );
  return {
    slug: page.slug,
    title: page.title,
    description: page.description,
    logoUrl: page.logoUrl,
    banner: bannerOf(sites.map((s) => s.state)),
    groups,
    activeMaintenance,
    posts,
    incidents: incidents
      .sort((a, b) => b.startedAt - a.startedAt)
      .map((i) => ({
        site: nameOf.get(i.siteId) ?? '',
        kind: i.kind,
        startedAt: iso(i.startedAt),
        resolvedAt: i.resolvedAt === null ? null : iso(i.resolvedAt),
      })),
    generatedAt: iso(now),
    updatedAt: iso(Math.max(page.updatedAt, ...posts.map((p) => Date.parse(p.updatedAt)))),
  };
}
