import { validateChannelConfig } from '../../alerts/channels';
import { AppError } from '../../errors';
import { fieldErrors, validateNewSite } from '../../schemas';
import { DOCUMENT_VERSION, channelSchema, documentSchema, groupSchema, statusPageSchema, type ConfigDocumentInput } from '../document';
import { resolvePlaceholders, type ImportReport, type ImportResult, type ImportSource } from './report';

type Input<K extends 'sites' | 'channels' | 'groups' | 'statusPages'> = NonNullable<ConfigDocumentInput[K]>[number];
export type SiteInput = Input<'sites'>;
export type ChannelInput = Input<'channels'>;
export type GroupInput = Input<'groups'>;
export type PageInput = Input<'statusPages'>;

export interface Draft {
  groups: GroupInput[];
  channels: { channel: ChannelInput; from: string }[];
  sites: { site: SiteInput; from: string; what: string }[];
  statusPages: { page: PageInput; from: string }[];
}

function said(err: unknown): string {
  if (err instanceof AppError && err.fields) {
    return Object.entries(err.fields)
      .map(([f, m]) => (f === '_' ? m : `${f} ${m}`))
      .join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

function problemOf(result: { success: boolean; error?: unknown }): string | null {
  if (result.success) return null;
  const fields = fieldErrors(result.error as Parameters<typeof fieldErrors>[0]);
  return Object.entries(fields)
    .map(([f, m]) => (f === '_' ? m : `${f} ${m}`))
    .join('; ');
}

/**
 * Validates each object of the draft on its own, with the secrets filled in as `apply` will see them, exactly as
 * the API would: one that would be refused is left out and reported with the API's own words, and references to
 * it are taken out of the objects that named it. What is returned passes the document schema whole.
 */
export function assemble(source: ImportSource, draft: Draft, secrets: Record<string, string>, report: ImportReport): ImportResult {
  const channels = draft.channels.filter(({ channel, from }) => {
    const resolved = resolvePlaceholders(channel, secrets);
    let problem = problemOf(channelSchema.safeParse(resolved));
    // A reference the source itself read from the environment (Gatus's `${VAR}`) is checked when it is applied.
    if (problem === null && !JSON.stringify(resolved.config).includes('${')) {
      try {
        validateChannelConfig(resolved.type, resolved.config);
      } catch (err) {
        problem = said(err);
      }
    }
    if (problem !== null) report.add('notification', from, `the channel would be refused: ${problem}`);
    return problem === null;
  });
  const channelKeys = new Set(channels.map((c) => c.channel.key));
  const groups = draft.groups.filter((g) => groupSchema.safeParse(g).success);
  const groupKeys = new Set(groups.map((g) => g.key));

  const sites = draft.sites.filter(({ site, from, what }) => {
    const resolved = resolvePlaceholders(site, secrets);
    const { key: _key, group: _group, channels: _channels, ...fields } = resolved;
    try {
      validateNewSite(fields);
      return true;
    } catch (err) {
      report.add(what, from, `the site would be refused: ${said(err)}`);
      return false;
    }
  });
  for (const { site } of sites) {
    if (site.channels) site.channels = site.channels.filter((k) => channelKeys.has(k));
    if (site.group !== undefined && !groupKeys.has(site.group)) delete site.group;
  }
  const siteKeys = new Set(sites.map((s) => s.site.key));

  const statusPages = draft.statusPages.filter(({ page, from }) => {
    page.sites = (page.sites ?? []).filter((e) => siteKeys.has(typeof e === 'string' ? e : e.site));
    const problem = problemOf(statusPageSchema.safeParse(page));
    if (problem !== null) report.add('status page', from, `the page would be refused: ${problem}`);
    return problem === null;
  });

  const document: ImportResult['document'] = { version: DOCUMENT_VERSION };
  if (groups.length > 0) document.groups = groups;
  if (channels.length > 0) document.channels = channels.map((c) => c.channel);
  if (sites.length > 0) document.sites = sites.map((s) => s.site);
  if (statusPages.length > 0) document.statusPages = statusPages.map((p) => p.page);
  // A last guard: an importer bug shows up here as an error naming the field, not as a file apply refuses later.
  const whole = documentSchema.safeParse(resolvePlaceholders(document, secrets));
  if (!whole.success) throw new AppError('internal', `The imported document does not validate: ${problemOf(whole)}`);
  return { source, document, secrets, notCarried: report.items };
}
