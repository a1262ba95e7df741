import type { Db } from './connection';
import { errorKindFromCode, fromMicros } from './codes';
import type { HttpMethod, LastCheck, Site, SiteState, SiteWithLastCheck } from '../lib/domain';

export interface NewSite {
  name: string;
  url: string;
  method: HttpMethod;
  intervalSeconds: number;
  timeoutMs: number;
  expectedStatus: string;
  followRedirects: boolean;
  headers?: Record<string, string>;
  paused: boolean;
}

export type SitePatch = Partial<NewSite>;

interface SiteRow {
  id: number;
  name: string;
  url: string;
  method: string;
  interval_s: number;
  timeout_ms: number;
  expected_status: string;
  follow_redirects: number;
  headers: string;
  paused: number;
  state: string;
  check_requested_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SiteWithLastRow extends SiteRow {
  c_checked_at: number | null;
  c_ok: number | null;
  c_status_code: number | null;
  c_total_us: number | null;
  c_error_kind: number | null;
  c_error_message: string | null;
}

const SITE_COLUMNS = `s.id, s.name, s.url, s.method, s.interval_s, s.timeout_ms, s.expected_status, s.follow_redirects,
  s.headers, s.paused, s.state, s.check_requested_at, s.created_at, s.updated_at`;

/** A site's columns and its newest check's, for `FROM sites s LEFT JOIN checks c ON c.id = s.last_check_id`. */
export const SITE_WITH_LAST_COLUMNS = `${SITE_COLUMNS}, c.checked_at AS c_checked_at, c.ok AS c_ok,
  c.status_code AS c_status_code, c.total_us AS c_total_us, c.error_kind AS c_error_kind, c.error_message AS c_error_message`;

const WITH_LAST = `SELECT ${SITE_WITH_LAST_COLUMNS} FROM sites s LEFT JOIN checks c ON c.id = s.last_check_id`;

function toSite(r: SiteRow): Site {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    method: r.method as HttpMethod,
    intervalSeconds: r.interval_s,
    timeoutMs: r.timeout_ms,
    expectedStatus: r.expected_status,
    followRedirects: r.follow_redirects === 1,
    headers: parseHeaders(r.headers),
    paused: r.paused === 1,
    state: r.state as SiteState,
    checkRequestedAt: r.check_requested_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toLastCheck(r: SiteWithLastRow): LastCheck | null {
  if (r.c_checked_at === null) return null;
  return {
    checkedAt: r.c_checked_at,
    ok: r.c_ok === 1,
    statusCode: r.c_status_code,
    latencyMs: fromMicros(r.c_total_us ?? 0),
    error:
      r.c_error_kind === null ? null : { kind: errorKindFromCode(r.c_error_kind), message: r.c_error_message ?? '' },
  };
}

export function toSiteWithLast(r: SiteWithLastRow): SiteWithLastCheck {
  return { ...toSite(r), lastCheck: toLastCheck(r) };
}

export interface SiteVerbs {
  /** Every site with its newest check, in one query. */
  listSites(): SiteWithLastCheck[];
  getSite(id: number): SiteWithLastCheck | undefined;
  createSite(site: NewSite, now?: number): SiteWithLastCheck;
  /** Applies the given fields; returns undefined when no site has that id. */
  updateSite(id: number, patch: SitePatch, now?: number): SiteWithLastCheck | undefined;
  /** Removes the site and, by cascade in the same statement, all its checks. */
  deleteSite(id: number): boolean;
  /** Asks the scheduler (in this or another process) to check the site now. */
  requestCheck(id: number, now?: number): boolean;
  /** A counter bumped by every change that matters to the scheduler. */
  sitesRevision(): number;
  countSites(): number;
}

export function createSiteVerbs(db: Db): SiteVerbs {
  const list = db.prepare<[], SiteWithLastRow>(`${WITH_LAST} ORDER BY s.id`);
  const get = db.prepare<[number], SiteWithLastRow>(`${WITH_LAST} WHERE s.id = ?`);
  const insert = db.prepare(
    `INSERT INTO sites (name, url, method, interval_s, timeout_ms, expected_status, follow_redirects, headers, paused,
       state, created_at, updated_at)
     VALUES (@name, @url, @method, @intervalSeconds, @timeoutMs, @expectedStatus, @followRedirects, @headers, @paused,
       CASE WHEN @paused = 1 THEN 'paused' ELSE 'pending' END, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE sites SET name = @name, url = @url, method = @method, interval_s = @intervalSeconds,
       timeout_ms = @timeoutMs, expected_status = @expectedStatus, follow_redirects = @followRedirects,
       headers = @headers, paused = @paused, updated_at = @now,
       state = CASE
         WHEN @paused = 1 THEN 'paused'
         WHEN last_check_id IS NULL THEN 'pending'
         WHEN (SELECT ok FROM checks WHERE id = last_check_id) = 1 THEN 'up'
         WHEN (SELECT ok FROM checks WHERE id = last_check_id) = 0 THEN 'down'
         ELSE 'pending' END
     WHERE id = @id`,
  );
  const del = db.prepare<[number]>(`DELETE FROM sites WHERE id = ?`);
  const request = db.prepare<[number, number]>(`UPDATE sites SET check_requested_at = ? WHERE id = ?`);
  const rev = db.prepare<[], { value: number }>(`SELECT value FROM meta WHERE key = 'sites_rev'`);
  const count = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sites`);

  const getSite = (id: number) => {
    const row = get.get(id);
    return row ? toSiteWithLast(row) : undefined;
  };

  const bind = (s: NewSite, now: number) => ({
    name: s.name,
    url: s.url,
    method: s.method,
    intervalSeconds: s.intervalSeconds,
    timeoutMs: s.timeoutMs,
    expectedStatus: s.expectedStatus,
    followRedirects: s.followRedirects ? 1 : 0,
    headers: JSON.stringify(s.headers ?? {}),
    paused: s.paused ? 1 : 0,
    now,
  });

  const updateTx = db.transaction((id: number, patch: SitePatch, now: number) => {
    const current = getSite(id);
    if (!current) return undefined;
    update.run({ ...bind({ ...current, ...stripUndefined(patch) }, now), id });
    return getSite(id);
  });

  return {
    listSites: () => list.all().map(toSiteWithLast),
    getSite,
    createSite(site, now = Date.now()) {
      const info = insert.run(bind(site, now));
      const created = getSite(Number(info.lastInsertRowid));
      if (!created) throw new Error('site vanished right after insert');
      return created;
    },
    updateSite: (id, patch, now = Date.now()) => updateTx(id, patch, now),
    deleteSite: (id) => del.run(id).changes > 0,
    requestCheck: (id, now = Date.now()) => request.run(now, id).changes > 0,
    sitesRevision: () => rev.get()?.value ?? 0,
    countSites: () => count.get()?.n ?? 0,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function parseHeaders(json: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(json);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch {
    // a row written by hand; treat as no headers
  }
  return {};
}
