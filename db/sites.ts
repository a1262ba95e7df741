import type { Db } from './connection';
import { errorKindFromCode, fromMicros } from './codes';
import type { StatusStore } from './site-status';
import type { SecretSealer } from './secrets';
import type { IncidentWriter } from './incidents';
import { ALERT_SETTING_DEFAULTS, KIND_SETTING_DEFAULTS } from './domain';
import type { DecideState, LastCheck, NewSiteSettings, SiteSettings, SiteState, SiteWithLastCheck } from './domain';

export type SitePatch = Partial<SiteSettings> & { channels?: readonly number[] };

/** A new site's settings and, optionally, the channels its alerts go to. */
export type NewSite = NewSiteSettings & { channels?: readonly number[] };

/** How one setting is stored: its column and the conversion each way (secrets through the store's box). */
interface Column<T> {
  name: string;
  toDb(value: T, box: SecretSealer): string | number | null;
  fromDb(value: unknown, box: SecretSealer): T;
}

const plain = <T extends string | number | null>(name: string): Column<T> => ({
  name,
  toDb: (value) => value,
  fromDb: (value) => value as T,
});

const flag = (name: string): Column<boolean> => ({
  name,
  toDb: (value) => (value ? 1 : 0),
  fromDb: (value) => value === 1,
});

/** A JSON object of strings, sealed as a whole: header values are often credentials. */
const sealedStringMap = (name: string): Column<Record<string, string>> => ({
  name,
  toDb: (value, box) => box.seal(JSON.stringify(value)),
  fromDb: (value, box) => {
    const stored = String(value);
    return parseStringMap(box.isSealed(stored) ? box.open(stored) : stored);
  },
});

/** A text that may hold credentials (a request body with a token in it), sealed when set; null stays null. */
const sealedText = (name: string): Column<string | null> => ({
  name,
  toDb: (value, box) => (value === null ? null : box.seal(value)),
  fromDb: (value, box) => {
    if (value === null || value === undefined) return null;
    const stored = String(value);
    return box.isSealed(stored) ? box.open(stored) : stored;
  },
});

/** A JSON array, written as given (the schema validated it) and read back as an array whatever is stored. */
const jsonList = <T>(name: string): Column<T[]> => ({
  name,
  toDb: (value) => JSON.stringify(value),
  fromDb: (value) => parseList(String(value)) as T[],
});

/** Each setting's column: the one place a site's settings and its row meet (reads, inserts and updates). */
const SETTING_COLUMNS: { [K in keyof SiteSettings]-?: Column<SiteSettings[K]> } = {
  name: plain('name'),
  url: plain('url'),
  method: plain('method'),
  intervalSeconds: plain('interval_s'),
  timeoutMs: plain('timeout_ms'),
  expectedStatus: plain('expected_status'),
  followRedirects: flag('follow_redirects'),
  headers: sealedStringMap('headers'),
  paused: flag('paused'),
  confirmAfter: plain('confirm_after'),
  recoverAfter: plain('recover_after'),
  retryIntervalSeconds: plain('retry_interval_s'),
  degradedAboveMs: plain('degraded_above_ms'),
  remindEveryMinutes: plain('remind_every_min'),
  kind: plain('kind'),
  assertions: jsonList('assertions'),
  requestBody: sealedText('request_body'),
  requestContentType: plain('request_content_type'),
  tlsVerify: flag('tls_verify'),
  caPem: plain('ca_pem'),
  hostHeader: plain('host_header'),
  dnsRecordType: plain('dns_record_type'),
  dnsServer: plain('dns_server'),
  dnsExpected: jsonList('dns_expected'),
  pushGraceSeconds: plain('push_grace_s'),
};
const SETTINGS = Object.entries(SETTING_COLUMNS) as [keyof SiteSettings, Column<unknown>][];
const SETTING_NAMES = SETTINGS.map(([, column]) => column.name);

/** A site row: the setting columns by their names, and the columns the app keeps itself. */
interface SiteRow {
  [settingColumn: string]: unknown;
  id: number;
  state: string;
  check_requested_at: number | null;
  created_at: number;
  updated_at: number;
  channel_ids: string | null;
}

export interface SiteWithLastRow extends SiteRow {
  c_checked_at: number | null;
  c_ok: number | null;
  c_status_code: number | null;
  c_total_us: number | null;
  c_error_kind: number | null;
  c_error_message: string | null;
}

const SITE_COLUMNS = `${['id', ...SETTING_NAMES, 'state', 'check_requested_at', 'created_at', 'updated_at']
  .map((name) => `s.${name}`)
  .join(', ')},
  (SELECT group_concat(sc.channel_id) FROM site_channels sc WHERE sc.site_id = s.id) AS channel_ids`;

/** A site's columns and its newest check's, for `FROM sites s LEFT JOIN checks c ON c.id = s.last_check_id`. */
export const SITE_WITH_LAST_COLUMNS = `${SITE_COLUMNS}, c.checked_at AS c_checked_at, c.ok AS c_ok,
  c.status_code AS c_status_code, c.total_us AS c_total_us, c.error_kind AS c_error_kind, c.error_message AS c_error_message`;

const WITH_LAST = `SELECT ${SITE_WITH_LAST_COLUMNS} FROM sites s LEFT JOIN checks c ON c.id = s.last_check_id`;

function toSettings(r: SiteRow, box: SecretSealer): SiteSettings {
  const settings: Record<string, unknown> = {};
  for (const [key, column] of SETTINGS) settings[key] = column.fromDb(r[column.name], box);
  return settings as unknown as SiteSettings;
}

/** Statement parameters named after the setting columns. */
function settingParams(given: SiteSettings, box: SecretSealer): Record<string, string | number | null> {
  // A retry is never later than the regular check it stands in for.
  const s = { ...given, retryIntervalSeconds: Math.min(given.retryIntervalSeconds, given.intervalSeconds) };
  const params: Record<string, string | number | null> = {};
  for (const [key, column] of SETTINGS) params[column.name] = column.toDb(s[key], box);
  return params;
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

/** The one mapping from a site row (with its newest check's columns) to the app's type. */
export function toSiteWithLast(r: SiteWithLastRow, box: SecretSealer): SiteWithLastCheck {
  return {
    id: r.id,
    ...toSettings(r, box),
    state: r.state as SiteState,
    checkRequestedAt: r.check_requested_at,
    channels: r.channel_ids ? r.channel_ids.split(',').map(Number).sort((a, b) => a - b) : [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastCheck: toLastCheck(r),
  };
}

export interface SiteVerbs {
  /** Every site with its newest check, in one query. */
  listSites(): SiteWithLastCheck[];
  getSite(id: number): SiteWithLastCheck | undefined;
  /** Adds a site; its first state comes from the state decision, in the same transaction. */
  createSite(site: NewSite, now?: number): SiteWithLastCheck;
  /**
   * Applies the given fields and the state decision on the result (pausing and resuming move the state), in one
   * transaction; returns undefined when no site has that id.
   */
  updateSite(id: number, patch: SitePatch, now?: number): SiteWithLastCheck | undefined;
  /** Removes the site and, by cascade in the same statement, all its checks. */
  deleteSite(id: number): boolean;
  /** Asks the scheduler (in this or another process) to check the site now. */
  requestCheck(id: number, now?: number): boolean;
  /** A counter bumped by every change that matters to the scheduler. */
  sitesRevision(): number;
  countSites(): number;
}

export function createSiteVerbs(
  db: Db,
  statuses: StatusStore,
  decideState: DecideState,
  box: SecretSealer,
  incidents: IncidentWriter,
): SiteVerbs {
  const list = db.prepare<[], SiteWithLastRow>(`${WITH_LAST} ORDER BY s.id`);
  const get = db.prepare<[number], SiteWithLastRow>(`${WITH_LAST} WHERE s.id = ?`);
  // The state starts at the column's default and is then decided like any other change.
  const insert = db.prepare(
    `INSERT INTO sites (${SETTING_NAMES.join(', ')}, created_at, updated_at)
     VALUES (${SETTING_NAMES.map((name) => `@${name}`).join(', ')}, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE sites SET ${SETTING_NAMES.map((name) => `${name} = @${name}`).join(', ')}, updated_at = @now
     WHERE id = @id`,
  );
  const del = db.prepare<[number]>(`DELETE FROM sites WHERE id = ?`);
  const clearChannels = db.prepare<[number]>(`DELETE FROM site_channels WHERE site_id = ?`);
  const addChannel = db.prepare<[number, number]>(`INSERT OR IGNORE INTO site_channels (site_id, channel_id) VALUES (?, ?)`);
  const setChannels = (id: number, channels: readonly number[] | undefined) => {
    if (channels === undefined) return;
    clearChannels.run(id);
    for (const c of channels) addChannel.run(id, c);
  };
  const request = db.prepare<[number, number]>(`UPDATE sites SET check_requested_at = ? WHERE id = ?`);
  const rev = db.prepare<[], { value: number }>(`SELECT value FROM meta WHERE key = 'sites_rev'`);
  const count = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sites`);

  const getSite = (id: number) => {
    const row = get.get(id);
    return row ? toSiteWithLast(row, box) : undefined;
  };

  /** Runs the state decision after a settings change and stores its result. */
  const settle = (id: number, now: number) => {
    const current = statuses.read(id);
    if (!current) return;
    const { status, transition } = decideState(current.status, { kind: 'settings', at: now }, current.settings);
    if (status !== current.status) statuses.write(status);
    // Pausing ends an incident; a new threshold can start or end a degraded one.
    if (transition) incidents.apply(transition, null, status.failStreak);
  };

  const createTx = db.transaction((site: SiteSettings, channels: readonly number[] | undefined, now: number) => {
    const id = Number(insert.run({ ...settingParams(site, box), now }).lastInsertRowid);
    setChannels(id, channels);
    settle(id, now);
    return getSite(id);
  });

  const updateTx = db.transaction((id: number, patch: SitePatch, now: number) => {
    const current = getSite(id);
    if (!current) return undefined;
    const { channels, ...settings } = patch;
    update.run({ ...settingParams({ ...current, ...stripUndefined(settings) }, box), now, id });
    setChannels(id, channels);
    settle(id, now);
    return getSite(id);
  });

  return {
    listSites: () => list.all().map((row) => toSiteWithLast(row, box)),
    getSite,
    createSite(site, now = Date.now()) {
      const { channels, ...settings } = site;
      const created = createTx.immediate({ ...ALERT_SETTING_DEFAULTS, ...KIND_SETTING_DEFAULTS, ...stripUndefined(settings) } as SiteSettings, channels, now);
      if (!created) throw new Error('site vanished right after insert');
      return created;
    },
    // IMMEDIATE: the site is read before it is written (see recordChecks).
    updateSite: (id, patch, now = Date.now()) => updateTx.immediate(id, patch, now),
    deleteSite: (id) => del.run(id).changes > 0,
    requestCheck: (id, now = Date.now()) => request.run(now, id).changes > 0,
    sitesRevision: () => rev.get()?.value ?? 0,
    countSites: () => count.get()?.n ?? 0,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function parseStringMap(json: string): Record<string, string> {
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

function parseList(json: string): unknown[] {
  try {
    const v: unknown = JSON.parse(json);
    if (Array.isArray(v)) return v;
  } catch {
    // a row written by hand; treat as empty
  }
  return [];
}
