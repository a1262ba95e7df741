import type { SiteSettings } from '../../db/domain';
import { validateChannelConfig } from '../alerts/channels';
import { AppError } from '../errors';
import { validateNewSite } from '../schemas';
import type { ConfigDocument, ConfigSite } from './document';

/**
 * What a valid document asks for, in the terms the store keeps: every site with all its settings (its own, then
 * `defaults`, then the API's defaults), every channel with its config checked by its type, every page with its
 * sites in order under their headings. Objects still refer to each other by key; plan.ts turns keys into ids.
 */

export interface DesiredSite {
  key: string;
  /** Its place in the file, for problems found later. */
  index: number;
  settings: SiteSettings;
  channelKeys: string[];
  /** Undefined: the file leaves the badge switch to the UI. */
  badges: boolean | undefined;
}

export interface DesiredChannel {
  key: string;
  index: number;
  name: string;
  type: string;
  config: Record<string, unknown>;
  isDefault: boolean;
  enabled: boolean;
}

export interface DesiredPageEntry {
  siteKey: string;
  /** The heading ('' for none): the group's name. */
  group: string;
  showUrl: boolean;
}

export interface DesiredPage {
  /** The slug. */
  key: string;
  index: number;
  title: string;
  description: string;
  logoUrl: string | null;
  entries: DesiredPageEntry[];
}

export interface DesiredState {
  sites: DesiredSite[];
  channels: DesiredChannel[];
  pages: DesiredPage[];
  prune: boolean;
}

export interface PathProblem {
  path: (string | number)[];
  message: string;
}

/** The settings given in the file, without the fields that are references rather than settings. */
function ownSettings(site: ConfigSite): Record<string, unknown> {
  const { key: _key, group: _group, channels: _channels, badges: _badges, ...settings } = site;
  return defined(settings);
}

function defined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** An AppError's fields (`assertions.0.pattern`) as paths under `base`. */
function fieldProblems(err: unknown, base: (string | number)[]): PathProblem[] {
  if (!(err instanceof AppError)) throw err;
  if (!err.fields) return [{ path: base, message: err.message }];
  return Object.entries(err.fields).map(([field, message]) => ({
    path: field === '_' ? base : [...base, ...field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s))],
    message,
  }));
}

export function desiredState(doc: ConfigDocument): { state: DesiredState } | { problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  const { channels: defaultChannels, ...defaultSettings } = doc.defaults ?? {};
  const groupNames = new Map((doc.groups ?? []).map((g) => [g.key, g.name]));

  const channels: DesiredChannel[] = [];
  (doc.channels ?? []).forEach((c, index) => {
    try {
      const config = validateChannelConfig(c.type, c.config) as Record<string, unknown>;
      channels.push({ key: c.key, index, name: c.name, type: c.type, config, isDefault: c.isDefault ?? false, enabled: c.enabled ?? true });
    } catch (err) {
      problems.push(...fieldProblems(err, ['channels', index, 'config']));
    }
  });

  const sites: DesiredSite[] = [];
  const siteGroups = new Map<string, string | undefined>();
  (doc.sites ?? []).forEach((site, index) => {
    siteGroups.set(site.key, site.group);
    try {
      const { channels: _ignored, ...settings } = validateNewSite({ ...defined(defaultSettings), ...ownSettings(site) });
      // Stored so (db/sites.ts): a retry never comes later than the check it stands in for. Said here too, so an
      // unchanged file plans no change.
      settings.retryIntervalSeconds = Math.min(settings.retryIntervalSeconds, settings.intervalSeconds);
      const channelKeys = [...new Set(site.channels ?? defaultChannels ?? [])];
      sites.push({ key: site.key, index, settings, channelKeys, badges: site.badges });
    } catch (err) {
      problems.push(...fieldProblems(err, ['sites', index]));
    }
  });

  const pages: DesiredPage[] = [];
  (doc.statusPages ?? []).forEach((page, index) => {
    const entries: DesiredPageEntry[] = [];
    const listed = new Set<string>();
    page.sites.forEach((entry, j) => {
      const e = typeof entry === 'string' ? { site: entry } : entry;
      if (listed.has(e.site)) problems.push({ path: ['statusPages', index, 'sites', j], message: `lists the site ${e.site} twice` });
      listed.add(e.site);
      const groupKey = e.group ?? siteGroups.get(e.site);
      entries.push({ siteKey: e.site, group: groupKey === undefined ? '' : (groupNames.get(groupKey) ?? ''), showUrl: e.showUrl ?? false });
    });
    // Every site of a listed group, after the sites listed one by one.
    for (const groupKey of page.groups ?? []) {
      for (const site of doc.sites ?? []) {
        if (site.group !== groupKey || listed.has(site.key)) continue;
        listed.add(site.key);
        entries.push({ siteKey: site.key, group: groupNames.get(groupKey) ?? '', showUrl: false });
      }
    }
    pages.push({ key: page.key, index, title: page.title, description: page.description, logoUrl: page.logoUrl, entries });
  });

  if (problems.length > 0) return { problems };
  return { state: { sites, channels, pages, prune: doc.prune ?? false } };
}
