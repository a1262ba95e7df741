import type { IncidentNotice, IncidentQuery, IncidentSummary, Store } from '../db';
import type { Incident } from '../db/domain';
import { AppError } from './errors';

/** The incident verbs behind GET /api/incidents and GET /api/sites/{id}/incidents. */

export const INCIDENTS_PAGE = { default: 100, max: 1000 } as const;
const DAY_MS = 86_400_000;

const time = (raw: string) => (/^\d+$/.test(raw) ? Number(raw) : Date.parse(raw));

/** A page's `next`: the list's order key of its last incident, `{startedAt ms}.{id}`. */
export const incidentCursor = (i: Pick<Incident, 'startedAt' | 'id'>) => `${i.startedAt}.${i.id}`;

/**
 * Parses `open`, `siteId`, `from`, `to` (ISO 8601 or epoch ms), `before` (a previous page's `next`) and `limit`;
 * every bad one is named.
 */
export function parseIncidentQuery(params: URLSearchParams): IncidentQuery {
  const fields: Record<string, string> = {};
  const q: IncidentQuery = { limit: INCIDENTS_PAGE.default };
  const open = params.get('open');
  if (open !== null && open !== '') {
    if (open === 'true' || open === '1') q.open = true;
    else if (open === 'false' || open === '0') q.open = false;
    else fields.open = 'must be true or false';
  }
  const siteId = params.get('siteId');
  if (siteId !== null && siteId !== '') {
    if (/^[1-9]\d{0,15}$/.test(siteId)) q.siteId = Number(siteId);
    else fields.siteId = 'must be a site id';
  }
  for (const key of ['from', 'to'] as const) {
    const raw = params.get(key);
    if (raw === null || raw === '') continue;
    const t = time(raw);
    if (Number.isFinite(t)) q[key] = t;
    else fields[key] = 'must be an ISO 8601 time or epoch milliseconds';
  }
  if (q.from !== undefined && q.to !== undefined && q.to <= q.from) fields.to = 'must be after from';
  const before = params.get('before');
  if (before !== null && before !== '') {
    const m = /^(\d{1,15})\.([1-9]\d{0,15})$/.exec(before);
    if (m) q.before = { startedAt: Number(m[1]), id: Number(m[2]) };
    else fields.before = "must be the `next` of a previous page";
  }
  const limit = params.get('limit');
  if (limit !== null) {
    const n = /^\d+$/.test(limit) ? Number(limit) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= INCIDENTS_PAGE.max) q.limit = n;
    else fields.limit = `must be a whole number from 1 to ${INCIDENTS_PAGE.max}`;
  }
  if (Object.keys(fields).length > 0) {
    const text = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ');
    throw new AppError('validation', `Invalid query: ${text}`, fields);
  }
  return q;
}

export interface IncidentList {
  incidents: Incident[];
  /** Incidents started in the last 30 days and their mean time to resolve. */
  last30Days: IncidentSummary;
  /** Who was told about each incident, by id; null when not asked for (a caller who may not see channels). */
  notices: Map<number, IncidentNotice[]> | null;
  /** The cursor of the next (older) page when this one is full, else null. */
  next: string | null;
}

export interface ListIncidentsOptions {
  /** Also read who was notified: only for a caller who may see the channels (the owner). */
  withNotices: boolean;
  now?: number;
}

export function listIncidents(store: Store, query: IncidentQuery, options: ListIncidentsOptions): IncidentList {
  const now = options.now ?? Date.now();
  const incidents = store.listIncidents(query);
  const last = incidents.at(-1);
  return {
    incidents,
    next: last && incidents.length >= query.limit ? incidentCursor(last) : null,
    last30Days: store.incidentSummary(now - 30 * DAY_MS, now + 1, query.siteId),
    notices: options.withNotices ? store.noticesOf(incidents.map((i) => i.id)) : null,
  };
}
