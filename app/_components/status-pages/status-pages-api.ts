'use client';

import { z } from 'zod';
import { send } from '../api-client';

/**
 * The browser's calls to /api/status-pages, each answer checked against the shape the settings pages rely on.
 * Failures come back as values with the API's per-field messages (see api-client.ts).
 */

// The lists of db/status-posts.ts, repeated: nothing under db/ may reach the browser's bundle.
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'completed'] as const;
export type PostKind = 'incident' | 'maintenance';

export interface PageEntry {
  siteId: number;
  group: string;
  showUrl: boolean;
}
export interface StatusPageWire {
  id: number;
  slug: string;
  title: string;
  description: string;
  logoUrl: string | null;
  sites: PageEntry[];
  /** The configuration file that declares the page; absent or null when made here. */
  managedBy?: string | null;
}
export interface PostWire {
  id: number;
  kind: PostKind;
  title: string;
  /** Maintenance window, epoch ms; null for incidents. */
  startsAt: number | null;
  endsAt: number | null;
  createdAt: number;
  /** Newest first. */
  updates: { id: number; status: string; message: string; createdAt: number }[];
}

// Loose: fields added to the API later pass through untouched.
const entry = z.looseObject({ siteId: z.number(), group: z.string(), showUrl: z.boolean() });
const page = z.looseObject({
  id: z.number(),
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  logoUrl: z.string().nullable(),
  sites: z.array(entry),
}) as unknown as z.ZodType<StatusPageWire>;
const update = z.looseObject({ id: z.number(), status: z.string(), message: z.string(), createdAt: z.number() });
const post = z.looseObject({
  id: z.number(),
  kind: z.enum(['incident', 'maintenance']),
  title: z.string(),
  startsAt: z.number().nullable(),
  endsAt: z.number().nullable(),
  createdAt: z.number(),
  updates: z.array(update),
}) as unknown as z.ZodType<PostWire>;

/** The body of POST and PUT: what the form holds. */
export interface PageBody {
  slug: string;
  title: string;
  description: string;
  logoUrl: string;
  sites: PageEntry[];
}

export type PostBody =
  | { kind: 'incident'; title: string; status: string; message: string }
  | { kind: 'maintenance'; title: string; status: string; message: string; startsAt: string; endsAt: string };

export const pagesKey = '/api/status-pages';
export const postsKey = (pageId: number) => `/api/status-pages/${pageId}/posts`;

export const statusPagesApi = {
  list: () => send('GET', pagesKey, { expect: z.array(page) }),
  create: (body: PageBody) => send('POST', pagesKey, { body, expect: page }),
  update: (id: number, body: PageBody) => send('PUT', `/api/status-pages/${id}`, { body, expect: page }),
  remove: (id: number) => send('DELETE', `/api/status-pages/${id}`, { expect: null }),

  posts: (pageId: number) => send('GET', postsKey(pageId), { expect: z.array(post) }),
  createPost: (pageId: number, body: PostBody) => send('POST', postsKey(pageId), { body, expect: post }),
  addUpdate: (pageId: number, postId: number, body: { status: string; message: string }) =>
    send('POST', `${postsKey(pageId)}/${postId}`, { body, expect: post }),
  removePost: (pageId: number, postId: number) => send('DELETE', `${postsKey(pageId)}/${postId}`, { expect: null }),
};

/** How a post status reads (the public page's words). */
export const STATUS_WORDS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
};

export const statusesOf = (kind: PostKind): readonly string[] => (kind === 'incident' ? INCIDENT_STATUSES : MAINTENANCE_STATUSES);
