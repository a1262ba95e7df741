import type { Store } from '../../db';
import { vetTargets } from '../channels';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { sealChannelConfig } from '../secrets/channel-config';
import { assertKindTargetsAllowed } from '../sites';
import { publicCache } from '../status/short-cache';
import { secretBoxOf } from '../store';
import type { ConfigProblem, LoadedConfig } from './load';
import type { Plan } from './plan';

/**
 * Writes a plan in ONE transaction: every change or none. Deletes go first (a key freed by a delete can be taken
 * by a create), then channels, sites and pages, so each finds the ids of what it refers to.
 */

/**
 * The target policy, as the API applies it, for every site and channel the plan creates or changes; async
 * (names are resolved), so it runs before the transaction. Problems are located in the file like any other.
 */
export async function vetPlan(plan: Plan, loaded: Pick<LoadedConfig, 'problemAt'>): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const touched = (kind: 'site' | 'channel', key: string) =>
    plan.changes.find((c) => c.kind === kind && c.key === key && c.action !== 'delete');
  const fieldsOf = (err: unknown): [string, string][] => {
    if (!(err instanceof AppError)) throw err;
    return Object.entries(err.fields ?? { _: err.message });
  };
  for (const site of plan.desired.sites) {
    const change = touched('site', site.key);
    if (!change || (change.action === 'update' && !change.fields.some((f) => f.field === 'url' || f.field === 'dnsServer'))) continue;
    try {
      await assertKindTargetsAllowed(site.settings);
    } catch (err) {
      for (const [field, message] of fieldsOf(err)) problems.push(loaded.problemAt(['sites', site.index, field], message));
    }
  }
  for (const channel of plan.desired.channels) {
    const change = touched('channel', channel.key);
    if (!change || (change.action === 'update' && !change.fields.some((f) => f.field.startsWith('config.')))) continue;
    try {
      await vetTargets(channel.type, channel.config, {});
    } catch (err) {
      for (const [field, message] of fieldsOf(err)) {
        problems.push(loaded.problemAt(['channels', channel.index, ...field.split('.')], message));
      }
    }
  }
  return problems;
}

export interface ApplyLimits {
  maxSites: number;
}

export function applyPlan(store: Store, plan: Plan, limits: ApplyLimits = { maxSites: getConfig().maxSites }): void {
  if (plan.changes.length === 0) return;
  const box = secretBoxOf(store);
  const changed = (kind: 'site' | 'channel' | 'statusPage', key: string) =>
    plan.changes.find((c) => c.kind === kind && c.key === key && c.action !== 'delete');
  const file = plan.file;

  // IMMEDIATE: the write lock first, so a checker committing meanwhile cannot make the upgrade from a read fail.
  store.db.transaction(() => {
    for (const kind of ['statusPage', 'site', 'channel'] as const) {
      for (const c of plan.changes) {
        if (c.kind !== kind || c.action !== 'delete' || c.id === null) continue;
        if (kind === 'statusPage') store.deleteStatusPage(c.id);
        else if (kind === 'site') store.deleteSite(c.id);
        else store.deleteChannel(c.id);
      }
    }

    const channelIds = new Map(plan.ids.channel);
    for (const c of plan.desired.channels) {
      const change = changed('channel', c.key);
      if (!change) continue;
      const fields = { name: c.name, config: sealChannelConfig(box, c.type, c.config), isDefault: c.isDefault, enabled: c.enabled };
      const id = change.id ?? store.createChannel({ ...fields, type: c.type }).id;
      if (change.id !== null) store.updateChannel(id, fields);
      store.setConfigMark('channel', id, c.key, file);
      channelIds.set(c.key, id);
    }

    const siteIds = new Map(plan.ids.site);
    for (const s of plan.desired.sites) {
      const change = changed('site', s.key);
      if (!change) continue;
      const channels = s.channelKeys.map((k) => channelIds.get(k)!);
      let id = change.id;
      if (id === null) {
        if (store.countSites() >= limits.maxSites) {
          throw new AppError('limit', `Upbeat holds at most ${limits.maxSites} sites (UPBEAT_MAX_SITES); sites.${s.index} (${s.key}) is one too many`);
        }
        id = store.createSite({ ...s.settings, channels }).id;
      } else {
        store.updateSite(id, { ...s.settings, channels });
      }
      if (s.badges !== undefined) store.setBadgesEnabled(id, s.badges);
      store.setConfigMark('site', id, s.key, file);
      siteIds.set(s.key, id);
    }

    for (const p of plan.desired.pages) {
      const change = changed('statusPage', p.key);
      if (!change) continue;
      const fields = { slug: p.key, title: p.title, description: p.description, logoUrl: p.logoUrl };
      const id = change.id ?? store.createStatusPage(fields).id;
      if (change.id !== null) store.updateStatusPage(id, fields);
      const entries = p.entries.map((e) => ({ siteId: siteIds.get(e.siteKey)!, group: e.group, showUrl: e.showUrl }));
      store.setStatusPageSites(id, entries);
      store.setConfigMark('statusPage', id, p.key, file);
    }
  }).immediate();
  if (plan.changes.some((c) => c.kind === 'statusPage' || c.kind === 'site')) publicCache().clear();
}
