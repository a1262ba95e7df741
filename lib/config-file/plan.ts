import type { ChannelRecord, ConfigMark, MarkedKind, Store } from '../../db';
import { SITE_SETTING_KEYS, type SiteSettings } from '../../db/domain';
import { channelTypeOf } from '../alerts/channels';
import { openChannel } from '../secrets/channel-config';
import type { DesiredState } from './desired';

/**
 * What applying a file would change: each object of the file matched to the stored one with its key (a rename is
 * an update), the fields that differ (old → new), and what is deleted — managed objects the file no longer
 * declares, and with `prune: true` every object the file does not declare. Reading only; apply.ts writes it.
 */

export type ChangeAction = 'create' | 'update' | 'delete';

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export interface Change {
  kind: MarkedKind;
  action: ChangeAction;
  key: string;
  /** The object's name (a page's title) as it will be, or as it was for a delete. */
  name: string;
  /** The stored object's id; null for a create. */
  id: number | null;
  fields: FieldChange[];
}

export interface Plan {
  file: string;
  desired: DesiredState;
  changes: Change[];
  /** Ids of the stored objects the file's keys match (objects to create have none yet). */
  ids: Record<MarkedKind, Map<string, number>>;
}

const KIND_WORDS: Record<MarkedKind, string> = { site: 'site', channel: 'channel', statusPage: 'status page' };

/** Keys given to objects made in the UI when exported; a file holding one takes that object over. */
export const EXPORT_KEY_PREFIX: Record<MarkedKind, string> = { site: 'site-', channel: 'channel-', statusPage: '' };

/** Stable JSON: object keys sorted, so two equal values always compare equal as text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const shown = (value: unknown): string => {
  const text = value === undefined ? '(none)' : stableJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

function diff(fields: FieldChange[], field: string, from: unknown, to: unknown, secret = false): void {
  if (stableJson(from) === stableJson(to)) return;
  fields.push(secret ? { field, from: '(secret)', to: '(secret, changed)' } : { field, from: shown(from), to: shown(to) });
}

function markDiff(fields: FieldChange[], mark: ConfigMark | undefined, key: string, file: string): void {
  if (mark?.managedBy !== file) fields.push({ field: 'managedBy', from: mark?.managedBy ?? '(UI)', to: file });
  else if (mark.key !== key) fields.push({ field: 'key', from: mark.key ?? '(none)', to: key });
}

/** Which stored object each key of the file names: its mark, else an export key of an unmarked object. */
function matcher(kind: MarkedKind, marks: ConfigMark[]) {
  const byKey = new Map(marks.filter((m) => m.key !== null).map((m) => [m.key!, m.id]));
  const byId = new Map(marks.map((m) => [m.id, m]));
  const prefix = EXPORT_KEY_PREFIX[kind];
  return (key: string): number | undefined => {
    const marked = byKey.get(key);
    if (marked !== undefined) return marked;
    if (prefix === '' || !key.startsWith(prefix)) return undefined;
    const id = Number(key.slice(prefix.length));
    const mark = byId.get(id);
    return mark && mark.managedBy === null && mark.key === null ? id : undefined;
  };
}

export function planConfig(store: Store, desired: DesiredState, file: string): Plan {
  const changes: Change[] = [];
  const ids: Plan['ids'] = { site: new Map(), channel: new Map(), statusPage: new Map() };
  const marks = {
    site: new Map(store.configMarks('site').map((m) => [m.id, m])),
    channel: new Map(store.configMarks('channel').map((m) => [m.id, m])),
    statusPage: new Map(store.configMarks('statusPage').map((m) => [m.id, m])),
  };

  // Channels first: a site's channels are compared by key, so every kept channel needs its key.
  const matchChannel = matcher('channel', [...marks.channel.values()]);
  const channelKeyOf = new Map<number, string>();
  for (const c of desired.channels) {
    const id = matchChannel(c.key);
    const stored = id === undefined ? undefined : store.getChannel(id);
    // A channel's type is fixed: a new type under the same key is a new channel.
    if (stored && stored.type === c.type) {
      ids.channel.set(c.key, stored.id);
      channelKeyOf.set(stored.id, c.key);
      const fields = channelDiff(store, stored, c);
      markDiff(fields, marks.channel.get(stored.id), c.key, file);
      if (fields.length > 0) changes.push({ kind: 'channel', action: 'update', key: c.key, name: c.name, id: stored.id, fields });
    } else {
      changes.push({ kind: 'channel', action: 'create', key: c.key, name: c.name, id: null, fields: [] });
    }
  }

  const matchSite = matcher('site', [...marks.site.values()]);
  for (const s of desired.sites) {
    const id = matchSite(s.key);
    const stored = id === undefined ? undefined : store.getSite(id);
    if (!stored) {
      changes.push({ kind: 'site', action: 'create', key: s.key, name: s.settings.name, id: null, fields: [] });
      continue;
    }
    ids.site.set(s.key, stored.id);
    const fields: FieldChange[] = [];
    for (const field of SITE_SETTING_KEYS) diff(fields, field, stored[field], s.settings[field as keyof SiteSettings], field === 'headers');
    const storedChannels = stored.channels.map((cid) => channelKeyOf.get(cid) ?? `#${cid}`).sort();
    diff(fields, 'channels', storedChannels, [...s.channelKeys].sort());
    if (s.badges !== undefined) diff(fields, 'badges', store.areBadgesEnabled(stored.id) === true, s.badges);
    markDiff(fields, marks.site.get(stored.id), s.key, file);
    if (fields.length > 0) changes.push({ kind: 'site', action: 'update', key: s.key, name: s.settings.name, id: stored.id, fields });
  }

  const siteKeyOf = new Map([...ids.site].map(([key, id]) => [id, key]));
  for (const p of desired.pages) {
    const stored = store.getStatusPageBySlug(p.key);
    if (!stored) {
      changes.push({ kind: 'statusPage', action: 'create', key: p.key, name: p.title, id: null, fields: [] });
      continue;
    }
    ids.statusPage.set(p.key, stored.id);
    const fields: FieldChange[] = [];
    diff(fields, 'title', stored.title, p.title);
    diff(fields, 'description', stored.description, p.description);
    diff(fields, 'logoUrl', stored.logoUrl, p.logoUrl);
    const storedEntries = store
      .statusPageSites(stored.id)
      .map((e) => ({ site: siteKeyOf.get(e.siteId) ?? `#${e.siteId}`, group: e.group, showUrl: e.showUrl }));
    diff(fields, 'sites', storedEntries, p.entries.map((e) => ({ site: e.siteKey, group: e.group, showUrl: e.showUrl })));
    markDiff(fields, marks.statusPage.get(stored.id), p.key, file);
    if (fields.length > 0) changes.push({ kind: 'statusPage', action: 'update', key: p.key, name: p.title, id: stored.id, fields });
  }

  // Deleted: managed objects the file no longer declares; with prune, every object it does not declare.
  const kept = (kind: MarkedKind) => new Set(ids[kind].values());
  const deletions = (kind: MarkedKind, nameOf: (id: number) => string) => {
    const keep = kept(kind);
    for (const mark of marks[kind].values()) {
      if (keep.has(mark.id) || (mark.managedBy === null && !desired.prune)) continue;
      changes.push({ kind, action: 'delete', key: mark.key ?? `${EXPORT_KEY_PREFIX[kind]}${mark.id}`, name: nameOf(mark.id), id: mark.id, fields: [] });
    }
  };
  deletions('statusPage', (id) => store.getStatusPage(id)?.title ?? '');
  deletions('site', (id) => store.getSite(id)?.name ?? '');
  deletions('channel', (id) => store.getChannel(id)?.name ?? '');
  return { file, desired, changes, ids };
}

function channelDiff(store: Store, sealed: ChannelRecord, c: DesiredState['channels'][number]): FieldChange[] {
  const stored = openChannel(store, sealed);
  const fields: FieldChange[] = [];
  diff(fields, 'name', stored.name, c.name);
  diff(fields, 'isDefault', stored.isDefault, c.isDefault);
  diff(fields, 'enabled', stored.enabled, c.enabled);
  const secrets = new Set(channelTypeOf(c.type)?.secretFields ?? []);
  const keys = new Set([...Object.keys(stored.config), ...Object.keys(c.config)]);
  for (const k of [...keys].sort()) diff(fields, `config.${k}`, stored.config[k], c.config[k], secrets.has(k));
  return fields;
}

/** The plan as people read it: one line per object, its changed fields below, and a count. */
export function formatPlan(plan: Plan): string {
  const sign: Record<ChangeAction, string> = { create: '+', update: '~', delete: '-' };
  const lines: string[] = [];
  for (const c of plan.changes) {
    lines.push(`${sign[c.action]} ${c.action} ${KIND_WORDS[c.kind]} ${c.key}${c.name && c.name !== c.key ? ` (${c.name})` : ''}`);
    for (const f of c.fields) lines.push(`    ${f.field}: ${f.from} → ${f.to}`);
  }
  const count = (a: ChangeAction) => plan.changes.filter((c) => c.action === a).length;
  lines.push(
    plan.changes.length === 0
      ? `No changes: ${plan.file} matches what Upbeat holds.`
      : `${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete.`,
  );
  return lines.join('\n');
}
