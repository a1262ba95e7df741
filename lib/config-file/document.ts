import { z } from 'zod';
import { channelCreateSchema } from '../channels';
import { ALWAYS, siteFields, targetFitsKind } from '../schemas';
import { pageSchema } from '../status/pages';

/**
 * The configuration file (upbeat.yaml): sites, channels, groups and status pages declared by stable keys, so a
 * rename is an update, not a delete and a create. Every field reuses the schema the REST API validates with
 * (lib/schemas.ts, lib/channels.ts, lib/status/pages.ts), so the file accepts exactly what the API accepts.
 * Objects refer to each other by key, never by database id. Secrets may be written as `${ENV_VAR}` strings in any
 * string value; they are resolved when the file is loaded (load.ts), before this schema runs.
 *
 * The importers (Uptime Kuma, Gatus) produce this document too. Additions only: a field removed here would turn a
 * file that applied yesterday into an error.
 */

export const DOCUMENT_VERSION = 1;

/** Keys end up in env names (`UPBEAT_CHANNEL_<KEY>_<FIELD>`), so they stay to letters, digits, `-` and `_`. */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const keySchema = z
  .string({ error: 'must be a key (a string)' })
  .regex(KEY_PATTERN, 'must be 1–64 lower-case letters, digits, dashes or underscores, starting with a letter or digit');

const keyList = (what: string) => z.array(keySchema, { error: `must be a list of ${what} keys` }).max(500, `must list at most 500 ${what}s`);

/** A heading that sites are shown under on status pages (the page's group headings). */
export const groupSchema = z.strictObject({
  key: keySchema,
  name: z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, 'is required')
    .max(60, 'must be at most 60 characters'),
});

/** A notification channel: the API's create body, with a key, and without `sites` (a site names its channels). */
export const channelSchema = channelCreateSchema.omit({ sites: true }).extend({ key: keySchema });

/**
 * A site: every field of the API's create body, plus its key, its group (a group key) and its channels (channel
 * keys). A field left out takes `defaults`, then the API's own default.
 */
export const siteSchema = z
  .strictObject({
    ...siteFields,
    key: keySchema,
    url: siteFields.url.optional(),
    group: keySchema.optional(),
    channels: keyList('channel').optional(),
    /** Public status badges for the site (/api/badges/…); left out, the switch stays as it is set in the UI. */
    badges: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .superRefine(targetFitsKind(true), ALWAYS);

/** The site settings `defaults` may give for every site that leaves them out. */
export const defaultsSchema = z.strictObject({
  intervalSeconds: siteFields.intervalSeconds,
  timeoutMs: siteFields.timeoutMs,
  expectedStatus: siteFields.expectedStatus,
  method: siteFields.method,
  followRedirects: siteFields.followRedirects,
  headers: siteFields.headers,
  confirmAfter: siteFields.confirmAfter,
  recoverAfter: siteFields.recoverAfter,
  retryIntervalSeconds: siteFields.retryIntervalSeconds,
  degradedAboveMs: siteFields.degradedAboveMs,
  remindEveryMinutes: siteFields.remindEveryMinutes,
  tlsVerify: siteFields.tlsVerify,
  /** Channels of every site that names none of its own. */
  channels: keyList('channel').optional(),
});

/** One site on a status page: its key alone, or with the heading it sits under and whether its URL shows. */
export const pageSiteSchema = z.union(
  [
    keySchema,
    z.strictObject({
      site: keySchema,
      /** A group key; left out, the site's own group. */
      group: keySchema.optional(),
      showUrl: z.boolean({ error: 'must be true or false' }).optional(),
    }),
  ],
  { error: 'each must be a site key or { site, group?, showUrl? }' },
);

/**
 * A status page; its key is its slug (the address /status/<key>). `groups` adds every site of those groups,
 * under the group's heading, after the sites listed one by one.
 */
export const statusPageSchema = pageSchema.omit({ slug: true, sites: true }).extend({
  key: pageSchema.shape.slug,
  sites: z.array(pageSiteSchema, { error: 'must be a list of sites' }).max(500, 'must list at most 500 sites').default([]),
  groups: keyList('group').optional(),
});

export const documentSchema = z
  .strictObject({
    version: z.literal(DOCUMENT_VERSION, { error: `must be ${DOCUMENT_VERSION}` }),
    defaults: defaultsSchema.optional(),
    groups: z.array(groupSchema, { error: 'must be a list of groups' }).optional(),
    channels: z.array(channelSchema, { error: 'must be a list of channels' }).optional(),
    sites: z.array(siteSchema, { error: 'must be a list of sites' }).optional(),
    statusPages: z.array(statusPageSchema, { error: 'must be a list of status pages' }).optional(),
    /** true: objects not in this file are deleted too, including those made in the UI. */
    prune: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .superRefine(checkReferences);

/** What a file holds, as written (what an importer produces). */
export type ConfigDocumentInput = z.input<typeof documentSchema>;
/** What a file holds once validated: defaults of single fields filled in, expected status normalised. */
export type ConfigDocument = z.output<typeof documentSchema>;
export type ConfigSite = z.output<typeof siteSchema>;
export type ConfigChannel = z.output<typeof channelSchema>;
export type ConfigGroup = z.output<typeof groupSchema>;
export type ConfigStatusPage = z.output<typeof statusPageSchema>;
export type ConfigDefaults = z.output<typeof defaultsSchema>;

interface Keyed {
  key: string;
}

// The check may meet a document whose other fields failed: every list is read as a list or not at all.
const each = <T>(list: readonly T[] | undefined): readonly T[] => (Array.isArray(list) ? list : []);

/** Every key unique in its list, and every reference pointing at an object of the file. */
function checkReferences(doc: Partial<ConfigDocument>, ctx: z.RefinementCtx): void {
  const keysOf = (list: readonly Keyed[] | undefined, path: string): Set<string> => {
    const seen = new Set<string>();
    each(list).forEach((item, i) => {
      if (seen.has(item.key)) ctx.addIssue({ code: 'custom', path: [path, i, 'key'], message: `repeats the key ${item.key}` });
      seen.add(item.key);
    });
    return seen;
  };
  const channels = keysOf(doc.channels, 'channels');
  const groups = keysOf(doc.groups, 'groups');
  const sites = keysOf(doc.sites, 'sites');
  keysOf(doc.statusPages, 'statusPages');
  const refer = (keys: Set<string>, what: string, key: string | undefined, path: (string | number)[]) => {
    if (key !== undefined && !keys.has(key)) ctx.addIssue({ code: 'custom', path, message: `names no ${what} with the key ${key}` });
  };
  each(doc.defaults?.channels).forEach((k, i) => refer(channels, 'channel', k, ['defaults', 'channels', i]));
  each(doc.sites).forEach((site, i) => {
    refer(groups, 'group', site.group, ['sites', i, 'group']);
    each(site.channels).forEach((k, j) => refer(channels, 'channel', k, ['sites', i, 'channels', j]));
  });
  each(doc.statusPages).forEach((page, i) => {
    each(page.groups).forEach((k, j) => refer(groups, 'group', k, ['statusPages', i, 'groups', j]));
    each(page.sites).forEach((entry, j) => {
      if (typeof entry === 'string') refer(sites, 'site', entry, ['statusPages', i, 'sites', j]);
      else {
        refer(sites, 'site', entry.site, ['statusPages', i, 'sites', j, 'site']);
        refer(groups, 'group', entry.group, ['statusPages', i, 'sites', j, 'group']);
      }
    });
  });
}
