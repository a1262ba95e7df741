import { z } from 'zod';
import type { NewPost, PostStatus, Store, StatusPage, StatusPageEntry, StatusPost } from '../../db';
import { INCIDENT_STATUSES, MAINTENANCE_STATUSES } from '../../db/status-posts';
import { assertNotManaged } from '../config-file/managed';
import { AppError } from '../errors';
import { fieldErrors } from '../schemas';
import { purgePublicCache } from './short-cache';

/**
 * The owner's verbs for status pages and their posts (Settings → Status pages and /api/status-pages), with the
 * zod schemas that check them. Every change drops the public cache, so the owner sees it on the page at once.
 */

export const PAGE_LIMITS = { slug: 63, title: 100, description: 500, sites: 500, group: 60, postTitle: 200, message: 5000 };

const text = (max: number) => z.string({ error: 'must be a string' }).trim().max(max, `must be at most ${max} characters`);
// Control characters would break the page's text and the feed's XML.
const clean = (max: number) => text(max).refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), 'must not contain control characters');

export const pageSchema = z.strictObject({
  slug: z
    .string({ error: 'is required and must be a string' })
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1–63 lower-case letters, digits or dashes, starting with a letter or digit'),
  title: clean(PAGE_LIMITS.title).min(1, 'is required'),
  description: clean(PAGE_LIMITS.description).default(''),
  logoUrl: z
    .string({ error: 'must be a string' })
    .trim()
    .max(2048, 'must be at most 2048 characters')
    .refine((v) => v === '' || /^https:\/\/[^\s"'<>]+$/.test(v) || /^\/[^\s"'<>/][^\s"'<>]*$/.test(v), 'must be an https:// URL or a path on this server')
    .nullable()
    .default(null)
    .transform((v) => (v === '' ? null : v)),
  sites: z
    .array(
      z.strictObject({
        siteId: z.number({ error: 'must be a site id' }).int().positive(),
        group: clean(PAGE_LIMITS.group).default(''),
        showUrl: z.boolean({ error: 'must be true or false' }).default(false),
      }),
      { error: 'must be a list of sites' },
    )
    .max(PAGE_LIMITS.sites, `must list at most ${PAGE_LIMITS.sites} sites`)
    .default([]),
});

const postSchema = z
  .strictObject({
    kind: z.enum(['incident', 'maintenance'], { error: 'must be incident or maintenance' }),
    title: clean(PAGE_LIMITS.postTitle).min(1, 'is required'),
    status: z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES], { error: 'is not a known status' }).optional(),
    message: clean(PAGE_LIMITS.message).min(1, 'is required'),
    startsAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).nullable().default(null),
    endsAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).nullable().default(null),
  })
  .superRefine((p, ctx) => {
    const allowed: readonly string[] = p.kind === 'incident' ? INCIDENT_STATUSES : MAINTENANCE_STATUSES;
    if (p.status !== undefined && !allowed.includes(p.status)) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: `must be one of ${allowed.join(', ')}` });
    }
    if (p.kind === 'maintenance') {
      if (!p.startsAt) ctx.addIssue({ code: 'custom', path: ['startsAt'], message: 'is required for maintenance' });
      if (!p.endsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'is required for maintenance' });
      if (p.startsAt && p.endsAt && Date.parse(p.endsAt) <= Date.parse(p.startsAt)) {
        ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
      }
    }
  });

const updateSchema = z.strictObject({
  status: z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES], { error: 'is not a known status' }),
  message: clean(PAGE_LIMITS.message).min(1, 'is required'),
});

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = fieldErrors(parsed.error);
  const words = Object.entries(fields).map(([f, m]) => (f === '_' ? `body ${m}` : `${f} ${m}`));
  throw new AppError('validation', `Invalid ${what}: ${words.join('; ')}`, fields);
}

export interface StatusPageDetail extends StatusPage {
  sites: StatusPageEntry[];
  /** The configuration file that declares the page (its settings are read-only here); null when made here. */
  managedBy: string | null;
}

function detail(store: Store, page: StatusPage): StatusPageDetail {
  return {
    ...page,
    sites: store.statusPageSites(page.id).map(({ siteId, group, showUrl }) => ({ siteId, group, showUrl })),
    managedBy: store.managedBy('statusPage', page.id),
  };
}

export function parsePageId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw new AppError('not_found', 'No such status page');
  return Number(raw);
}

function pageOrThrow(store: Store, id: number): StatusPage {
  const page = store.getStatusPage(id);
  if (!page) throw new AppError('not_found', `No status page with id ${id}`);
  return page;
}

export function listPages(store: Store): StatusPageDetail[] {
  return store.listStatusPages().map((p) => detail(store, p));
}

export function getPage(store: Store, id: number): StatusPageDetail {
  return detail(store, pageOrThrow(store, id));
}

function checkSites(store: Store, sites: readonly StatusPageEntry[]): void {
  const seen = new Set<number>();
  sites.forEach((s, i) => {
    if (seen.has(s.siteId)) throw new AppError('validation', `sites.${i}.siteId is listed twice`, { [`sites.${i}.siteId`]: 'is listed twice' });
    seen.add(s.siteId);
    if (!store.getSite(s.siteId)) throw new AppError('validation', `sites.${i}.siteId is not a site`, { [`sites.${i}.siteId`]: 'is not a site' });
  });
}

/** Creates or (with `id`) replaces a page and its list of sites, in one transaction; 409 when the slug is taken. */
export function savePage(store: Store, input: unknown, id?: number): StatusPageDetail {
  const { sites, ...fields } = parse(pageSchema, input, 'status page');
  if (id !== undefined) assertNotManaged(store, 'statusPage', id);
  checkSites(store, sites);
  const taken = store.getStatusPageBySlug(fields.slug);
  if (taken && taken.id !== id) throw new AppError('conflict', `The slug ${fields.slug} is taken`, { slug: 'is taken by another page' });
  const page = store.db.transaction(() => {
    const saved = id === undefined ? store.createStatusPage(fields) : store.updateStatusPage(id, fields);
    if (!saved) throw new AppError('not_found', `No status page with id ${id}`);
    store.setStatusPageSites(saved.id, sites);
    return saved;
  })();
  purgePublicCache();
  return detail(store, page);
}

export function deletePage(store: Store, id: number): void {
  assertNotManaged(store, 'statusPage', id);
  if (!store.deleteStatusPage(id)) throw new AppError('not_found', `No status page with id ${id}`);
  purgePublicCache();
}

export function listPosts(store: Store, pageId: number): StatusPost[] {
  pageOrThrow(store, pageId);
  return store.listStatusPosts(pageId, 0, 200);
}

export function createPost(store: Store, pageId: number, input: unknown): StatusPost {
  pageOrThrow(store, pageId);
  const p = parse(postSchema, input, 'post');
  const post: NewPost = {
    kind: p.kind,
    title: p.title,
    status: (p.status ?? (p.kind === 'incident' ? 'investigating' : 'scheduled')) as PostStatus,
    message: p.message,
    startsAt: p.kind === 'maintenance' && p.startsAt ? Date.parse(p.startsAt) : null,
    endsAt: p.kind === 'maintenance' && p.endsAt ? Date.parse(p.endsAt) : null,
  };
  const saved = store.createStatusPost(pageId, post);
  purgePublicCache();
  return saved;
}

export function addPostUpdate(store: Store, pageId: number, postId: number, input: unknown): StatusPost {
  const u = parse(updateSchema, input, 'update');
  const saved = store.addStatusPostUpdate(pageId, postId, u.status, u.message);
  if (!saved) throw new AppError('not_found', `No post with id ${postId} on this page`);
  purgePublicCache();
  return saved;
}

export function deletePost(store: Store, pageId: number, postId: number): void {
  if (!store.deleteStatusPost(pageId, postId)) throw new AppError('not_found', `No post with id ${postId} on this page`);
  purgePublicCache();
}
