import { Document } from 'yaml';
import type { Store } from '../../db';
import { SITE_SETTING_KEYS, type SiteSettings } from '../../db/domain';
import { channelTypeOf } from '../alerts/channels';
import { validateNewSite } from '../schemas';
import { listChannels } from '../channels';
import { DOCUMENT_VERSION, type ConfigDocumentInput } from './document';
import { EXPORT_KEY_PREFIX, stableJson } from './plan';

/**
 * The whole configuration as a file in the format apply reads: applied to an empty Upbeat it gives back the same
 * sites, channels and pages. Secrets (channel secret fields, site header values) become `${UPBEAT_…}` references
 * unless asked for in clear. History is not part of it (the CSV/JSON exports are for that).
 */

export interface ExportOptions {
  /** Secrets in clear rather than as `${…}` references. */
  withSecrets?: boolean;
}

export interface ExportResult {
  document: ConfigDocumentInput;
  yaml: string;
  /** Environment variables the file refers to, to be set before it is applied. */
  references: string[];
  warning: string | null;
}

export const SECRETS_WARNING = 'this export holds secrets in clear (channel credentials, header values): keep it out of git';

/** `ops-slack`, `webhookUrl` → `OPS_SLACK`, `WEBHOOK_URL`. */
const envWord = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();

// Text that reads as a reference is written escaped, so applying the export gives back the text itself.
// (A function, not a string: in a replacement string `$$` would stand for one `$`.)
const escaped = (s: string) => s.replaceAll('${', () => '$${');

function escapeAll(value: unknown): unknown {
  if (typeof value === 'string') return escaped(value);
  if (Array.isArray(value)) return value.map(escapeAll);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeAll(v)]));
  }
  return value;
}

export function exportConfig(store: Store, options: ExportOptions = {}): ExportResult {
  const withSecrets = options.withSecrets === true;
  const references: string[] = [];
  const reference = (...words: string[]) => {
    const name = ['UPBEAT', ...words.map(envWord)].join('_');
    references.push(name);
    return `\${${name}}`;
  };
  const marks = {
    site: new Map(store.configMarks('site').map((m) => [m.id, m.key])),
    channel: new Map(store.configMarks('channel').map((m) => [m.id, m.key])),
  };
  const keyOf = (kind: 'site' | 'channel', id: number) => marks[kind].get(id) ?? `${EXPORT_KEY_PREFIX[kind]}${id}`;

  const channels = listChannels(store).map((c) => {
    const key = keyOf('channel', c.id);
    const config = escapeAll(c.config) as Record<string, unknown>;
    if (!withSecrets) {
      for (const field of channelTypeOf(c.type)?.secretFields ?? []) {
        const value = config[field];
        if (typeof value === 'string' && value !== '') config[field] = reference('CHANNEL', key, field);
        else if (value !== null && typeof value === 'object') {
          config[field] = Object.fromEntries(Object.keys(value).map((name) => [name, reference('CHANNEL', key, field, name)]));
        }
      }
    }
    return { key, name: escaped(c.name), type: c.type, ...(c.isDefault ? { isDefault: true } : {}), ...(c.enabled ? {} : { enabled: false }), config };
  });

  const sites = store.listSites().map((s) => {
    const key = keyOf('site', s.id);
    const out: Record<string, unknown> = { key };
    // What the API would fill in for this kind and URL is left out, so the file shows what was chosen.
    const base = validateNewSite(s.kind === 'push' ? { kind: 'push' } : { kind: s.kind, url: s.url });
    for (const field of SITE_SETTING_KEYS) {
      const value = s[field];
      const always = field === 'name' || (field === 'url' && s.kind !== 'push') || (field === 'kind' && s.kind !== 'http');
      if (!always && stableJson(value) === stableJson(base[field as keyof SiteSettings])) continue;
      out[field] = escapeAll(value);
    }
    if (!withSecrets && Object.keys(s.headers).length > 0) {
      out.headers = Object.fromEntries(Object.keys(s.headers).map((name) => [name, reference('SITE', key, 'HEADER', name)]));
    }
    out.channels = s.channels.map((id) => keyOf('channel', id));
    if (store.areBadgesEnabled(s.id) === true) out.badges = true;
    return out;
  });

  // Headings become groups; a page's site sits under its heading's group.
  const groups = new Map<string, string>();
  const groupKey = (name: string) => {
    let key = groups.get(name);
    if (key === undefined) {
      const base = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'group';
      key = base;
      for (let n = 2; [...groups.values()].includes(key); n++) key = `${base}-${n}`;
      groups.set(name, key);
    }
    return key;
  };
  const statusPages = store.listStatusPages().map((p) => ({
    key: p.slug,
    title: escaped(p.title),
    ...(p.description === '' ? {} : { description: escaped(p.description) }),
    ...(p.logoUrl === null ? {} : { logoUrl: escaped(p.logoUrl) }),
    sites: store.statusPageSites(p.id).map((e) => {
      const site = keyOf('site', e.siteId);
      if (e.group === '' && !e.showUrl) return site;
      return { site, ...(e.group === '' ? {} : { group: groupKey(e.group) }), ...(e.showUrl ? { showUrl: true } : {}) };
    }),
  }));

  const document = {
    version: DOCUMENT_VERSION,
    ...(groups.size === 0 ? {} : { groups: [...groups].map(([name, key]) => ({ key, name: escaped(name) })) }),
    channels,
    sites,
    statusPages,
  } as ConfigDocumentInput;
  const header = references.length === 0 ? [] : [`Set before applying: ${[...new Set(references)].join(', ')}`];
  return {
    document,
    yaml: documentToYaml(document, header),
    references: [...new Set(references)],
    warning: withSecrets ? SECRETS_WARNING : null,
  };
}

/**
 * A document as the file people keep (the importers write theirs through here too): a header comment saying
 * what it is, then the document, long strings never folded.
 */
export function documentToYaml(document: ConfigDocumentInput, comments: readonly string[] = []): string {
  const yamlDoc = new Document(document);
  yamlDoc.commentBefore = [
    'Upbeat configuration (npm run config -- plan/apply <file>; schema: public/upbeat-config.schema.json)',
    ...comments,
  ]
    .map((line) => ` ${line}`)
    .join('\n');
  return yamlDoc.toString({ lineWidth: 0 });
}
