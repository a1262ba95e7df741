import type { Store } from '../../db';
import { UPTIME_WINDOWS, type UptimeWindow } from '../../db/history';
import { AppError } from '../errors';
import { addEncoded, newCounts, percentilesOf } from '../../db/histogram';
import { BADGE_STYLES, type Badge, type BadgeStyle } from './badge-svg';
import { purgePublicCache } from './short-cache';
import { stateWords } from './words';

/**
 * What a site's badges say: its state, its uptime over a window, its latency over a window. A badge names no
 * site and no URL (the reader of a README knows what it is about), and a site serves none until the owner turns
 * badges on for it: until then every badge of it answers 404, as for a site that does not exist.
 */

export const BADGE_KINDS = ['status', 'uptime', 'latency'] as const;
export type BadgeKind = (typeof BADGE_KINDS)[number];
export const BADGE_WINDOWS = ['24h', '7d', '30d', '90d'] as const satisfies readonly UptimeWindow[];
export type BadgeWindow = (typeof BADGE_WINDOWS)[number];
export const LATENCY_STATS = ['p50', 'p95', 'avg'] as const;
export type LatencyStat = (typeof LATENCY_STATS)[number];

export interface BadgeRequest {
  siteId: number;
  kind: BadgeKind;
  format: 'svg' | 'json';
  window: BadgeWindow;
  stat: LatencyStat;
  label: string | null;
  style: BadgeStyle;
}

const COLORS = {
  good: '#44cc11',
  fair: '#97ca00',
  warn: '#dfb317',
  poor: '#fe7d37',
  bad: '#e05d44',
  none: '#9f9f9f',
  info: '#007ec6',
};

const MAX_LABEL = 40;

function pick<T extends string>(raw: string | null, allowed: readonly T[], fallback: T, field: string): T {
  if (raw === null || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new AppError('validation', `${field} must be one of ${allowed.join(', ')}`, { [field]: `must be one of ${allowed.join(', ')}` });
}

/** Reads `/api/badges/{siteId}/{kind}.{svg|json}?window=&stat=&label=&style=`; 400 naming the field, else 404. */
export function parseBadgeRequest(siteIdRaw: string, file: string, query: URLSearchParams): BadgeRequest {
  const siteId = /^[1-9]\d{0,15}$/.test(siteIdRaw) ? Number(siteIdRaw) : NaN;
  const m = /^(status|uptime|latency)\.(svg|json)$/.exec(file);
  if (!Number.isSafeInteger(siteId) || !m) throw new AppError('not_found', 'No such badge');
  const label = query.get('label');
  if (label !== null && label.length > MAX_LABEL) {
    throw new AppError('validation', `label must be at most ${MAX_LABEL} characters`, { label: `must be at most ${MAX_LABEL} characters` });
  }
  return {
    siteId,
    kind: m[1] as BadgeKind,
    format: m[2] as 'svg' | 'json',
    window: pick(query.get('window'), BADGE_WINDOWS, m[1] === 'latency' ? '24h' : '30d', 'window'),
    stat: pick(query.get('stat'), LATENCY_STATS, 'p95', 'stat'),
    label: label === null || label.trim() === '' ? null : label.trim(),
    style: pick(query.get('style'), BADGE_STYLES, 'flat', 'style'),
  };
}

const STATE_COLORS: Record<string, string> = {
  up: COLORS.good,
  degraded: COLORS.warn,
  down: COLORS.bad,
  paused: COLORS.none,
  pending: COLORS.none,
};

export function uptimeColor(percent: number | null): string {
  if (percent === null) return COLORS.none;
  if (percent >= 99.9) return COLORS.good;
  if (percent >= 99) return COLORS.fair;
  if (percent >= 95) return COLORS.warn;
  if (percent >= 90) return COLORS.poor;
  return COLORS.bad;
}

/** Percent with as many decimals as tell 99.95 from 100, never rounding a failure up to 100. */
export function formatPercent(percent: number): string {
  if (percent === 100) return '100%';
  const digits = percent >= 99 ? 2 : 1;
  const scale = 10 ** digits;
  return `${(Math.floor(percent * scale) / scale).toFixed(digits)}%`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** Latency of the passed checks in the window, ms, from the hour (24 h) or day rollups; null with none. */
export function latencyOver(store: Store, siteId: number, window: BadgeWindow, stat: LatencyStat, now: number): number | null {
  // Whole hours for up to 30 days (at most 720 rows), whole days beyond: the rollups the uptime windows read.
  const tier = window === '90d' ? 'day' : 'hour';
  const step = tier === 'day' ? 86_400_000 : 3_600_000;
  const start = Math.floor(now / step) * step - UPTIME_WINDOWS[window];
  const rows = store.rollupsBetween(siteId, tier, start, now + 1);
  let up = 0;
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  const counts = newCounts();
  for (const r of rows) {
    up += r.up;
    sum += r.latSumUs;
    if (r.latMinUs !== null) min = min === null ? r.latMinUs : Math.min(min, r.latMinUs);
    if (r.latMaxUs !== null) max = max === null ? r.latMaxUs : Math.max(max, r.latMaxUs);
    if (stat !== 'avg') addEncoded(counts, r.hist);
  }
  if (up === 0) return null;
  if (stat === 'avg') return sum / up / 1000;
  const [us] = percentilesOf(counts, [stat === 'p50' ? 50 : 95], min, max);
  return us === null || us === undefined ? null : us / 1000;
}

/** The badge's words and colour, or 404 when the site has none to show. */
export function readBadge(store: Store, req: BadgeRequest, now: number): Badge {
  if (store.areBadgesEnabled(req.siteId) !== true) throw new AppError('not_found', 'No such badge');
  const site = store.getSite(req.siteId);
  if (!site) throw new AppError('not_found', 'No such badge');
  if (req.kind === 'status') {
    return { label: req.label ?? 'status', message: stateWords(site.state), color: STATE_COLORS[site.state] ?? COLORS.none };
  }
  if (req.kind === 'uptime') {
    const percent = store.uptimeWindows(req.siteId, now)[req.window].percent;
    return {
      label: req.label ?? `uptime ${req.window}`,
      message: percent === null ? 'no data' : formatPercent(percent),
      color: uptimeColor(percent),
    };
  }
  const ms = latencyOver(store, req.siteId, req.window, req.stat, now);
  return {
    label: req.label ?? `${req.stat} ${req.window}`,
    message: ms === null ? 'no data' : formatMs(ms),
    color: ms === null ? COLORS.none : COLORS.info,
  };
}

/** The shields.io "endpoint" schema: https://shields.io/badges/endpoint-badge */
export function endpointJson(badge: Badge, style: BadgeStyle) {
  return { schemaVersion: 1, label: badge.label, message: badge.message, color: badge.color.slice(1), style };
}

/**
 * Turns a site's public badges on or off. The badges already built are dropped with it: a badge turned off must
 * answer 404 now, not once its few seconds in the public cache have run out.
 */
export function setBadges(store: Store, siteId: number, enabled: boolean): void {
  if (!store.setBadgesEnabled(siteId, enabled)) throw new AppError('not_found', `No site with id ${siteId}`);
  purgePublicCache();
}
