import type { Store } from '../db';
import type { CheckRecord, SiteSettings, SiteWithLastCheck } from '../db/domain';
import { settleKind } from './site-kinds';
import { targetHost } from './site-targets';
import { parseDnsServer } from './target-syntax';
import { getConfig } from './config';
import { assertNotManaged } from './config-file/managed';
import { AppError } from './errors';
import { nameFromUrl, validateNewSite, validateSitePatch } from './schemas';
import { assertHostAllowed, assertTargetAllowed } from './target-check';

/**
 * The site verbs behind the REST API's route handlers (the site page uses parseSiteId too): validate with the
 * shared schema, then call the store. Bad input throws AppError('validation') before anything is written.
 */

export function parseSiteId(raw: string): number {
  const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new AppError('not_found', `No site with id ${JSON.stringify(raw)}`);
  return id;
}

export function listSites(store: Store): SiteWithLastCheck[] {
  return store.listSites();
}

export function getSite(store: Store, id: number): SiteWithLastCheck {
  const site = store.getSite(id);
  if (!site) throw new AppError('not_found', `No site with id ${id}`);
  return site;
}

/**
 * Adds a site. Refused with 409 `limit` once the database holds `maxSites` (UPBEAT_MAX_SITES): past some size
 * the checker cannot keep its schedule, and a caller with write access must not be able to grow the database
 * without bound. The count is taken after the last await, right before the synchronous insert, so parallel
 * creates in this process cannot overshoot it.
 */
export async function createSite(
  store: Store,
  input: unknown,
  limits: { maxSites: number } = { maxSites: getConfig().maxSites },
): Promise<SiteWithLastCheck> {
  const site = validateNewSite(input);
  await assertKindTargetsAllowed(site);
  // Channels marked default are preselected for a new site that names none.
  site.channels ??= store.listChannels().filter((c) => c.isDefault).map((c) => c.id);
  assertChannelsExist(store, site.channels);
  if (store.countSites() >= limits.maxSites) {
    const max = limits.maxSites.toLocaleString('en-US');
    throw new AppError('limit', `Upbeat holds at most ${max} sites (UPBEAT_MAX_SITES); delete one before adding more`);
  }
  return store.createSite(site);
}

export async function updateSite(store: Store, id: number, input: unknown): Promise<SiteWithLastCheck> {
  const patch = validateSitePatch(input);
  const current = getSite(store, id);
  assertNotManaged(store, 'site', id);
  const merged = { ...current, ...patch };
  if (patch.url !== undefined || patch.kind !== undefined || patch.assertions !== undefined || patch.method !== undefined || patch.requestBody !== undefined) {
    // The kind rules read several fields at once: judged on the site as it will be, and its URL normalised.
    const settled = settleKind(merged);
    if (patch.url !== undefined || patch.kind !== undefined) patch.url = settled.url;
    merged.url = settled.url;
  }
  if (patch.url !== undefined || patch.dnsServer !== undefined) await assertKindTargetsAllowed(merged);
  if (patch.channels !== undefined) assertChannelsExist(store, patch.channels);
  if (patch.name === '') patch.name = nameFromUrl(merged.url, merged.kind);
  const updated = store.updateSite(id, patch);
  if (!updated) throw new AppError('not_found', `No site with id ${id}`);
  return updated;
}

/** The target policy at save time for what the site connects to: its host, or for DNS its server. */
export async function assertKindTargetsAllowed(site: Pick<SiteSettings, 'kind' | 'url' | 'dnsServer'>): Promise<void> {
  if (site.kind === 'http') return assertTargetAllowed(site.url);
  const host = targetHost(site);
  if (host !== null) await assertHostAllowed(host, 'url');
  if (site.kind === 'dns' && site.dnsServer !== null) {
    const server = parseDnsServer(site.dnsServer);
    if (typeof server !== 'string') await assertHostAllowed(server.address, 'dnsServer');
  }
}

function assertChannelsExist(store: Store, ids: readonly number[]): void {
  const unknown = ids.filter((id) => !store.getChannel(id));
  if (unknown.length > 0) {
    const message = `names no channel with id ${unknown.join(', ')}`;
    throw new AppError('validation', `Invalid site: channels ${message}`, { channels: message });
  }
}

export function deleteSite(store: Store, id: number): void {
  assertNotManaged(store, 'site', id);
  if (!store.deleteSite(id)) throw new AppError('not_found', `No site with id ${id}`);
}

export function requestCheck(store: Store, id: number): void {
  if (!store.requestCheck(id)) throw new AppError('not_found', `No site with id ${id}`);
}

export const CHECKS_PAGE = { default: 100, max: 1000 } as const;

/** Parses `limit` and `before` (ISO 8601 or epoch ms) from a query string. */
export function parseChecksQuery(params: URLSearchParams): { limit: number; before?: number } {
  const fields: Record<string, string> = {};
  let limit: number = CHECKS_PAGE.default;
  let before: number | undefined;
  const rawLimit = params.get('limit');
  if (rawLimit !== null) {
    limit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > CHECKS_PAGE.max) {
      fields.limit = `must be a whole number from 1 to ${CHECKS_PAGE.max}`;
    }
  }
  const rawBefore = params.get('before');
  if (rawBefore !== null) {
    before = /^\d+$/.test(rawBefore) ? Number(rawBefore) : Date.parse(rawBefore);
    if (!Number.isFinite(before)) fields.before = 'must be an ISO 8601 time or epoch milliseconds';
  }
  if (Object.keys(fields).length > 0) {
    throw new AppError(
      'validation',
      `Invalid query: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`,
      fields,
    );
  }
  return before === undefined ? { limit } : { limit, before };
}

export function listChecks(store: Store, id: number, query: { limit: number; before?: number }): CheckRecord[] {
  getSite(store, id);
  return store.listChecks(id, query);
}
