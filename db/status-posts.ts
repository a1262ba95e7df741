import type { Db } from './connection';

export const POST_KINDS = ['incident', 'maintenance'] as const;
export type PostKind = (typeof POST_KINDS)[number];
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'completed'] as const;
export type PostStatus = (typeof INCIDENT_STATUSES)[number] | (typeof MAINTENANCE_STATUSES)[number];

export interface PostUpdate {
  id: number;
  status: PostStatus;
  message: string;
  createdAt: number;
}

/** An owner's post on a status page, with its updates newest first. Times epoch ms. */
export interface StatusPost {
  id: number;
  pageId: number;
  kind: PostKind;
  title: string;
  /** Maintenance window; null for incidents. */
  startsAt: number | null;
  endsAt: number | null;
  createdAt: number;
  updatedAt: number;
  updates: PostUpdate[];
}

export interface NewPost {
  kind: PostKind;
  title: string;
  startsAt: number | null;
  endsAt: number | null;
  status: PostStatus;
  message: string;
}

export interface StatusPostVerbs {
  /** A post and its first update, in one transaction. */
  createStatusPost(pageId: number, post: NewPost, now?: number): StatusPost;
  /** Adds an update; undefined when there is no such post on that page. */
  addStatusPostUpdate(pageId: number, postId: number, status: PostStatus, message: string, now?: number): StatusPost | undefined;
  deleteStatusPost(pageId: number, postId: number): boolean;
  /** The page's posts created or (for maintenance) ending at or after `since`, newest first, at most `limit`. */
  listStatusPosts(pageId: number, since: number, limit: number): StatusPost[];
}

interface PostRow {
  id: number;
  page_id: number;
  kind: PostKind;
  title: string;
  starts_at: number | null;
  ends_at: number | null;
  created_at: number;
  updated_at: number;
}

export function createStatusPostVerbs(db: Db): StatusPostVerbs {
  const insert = db.prepare(
    `INSERT INTO status_posts (page_id, kind, title, starts_at, ends_at, created_at, updated_at)
     VALUES (@pageId, @kind, @title, @startsAt, @endsAt, @now, @now)`,
  );
  const insertUpdate = db.prepare<[number, string, string, number]>(
    `INSERT INTO status_post_updates (post_id, status, message, created_at) VALUES (?, ?, ?, ?)`,
  );
  const touch = db.prepare<[number, number, number]>(`UPDATE status_posts SET updated_at = ? WHERE id = ? AND page_id = ?`);
  const get = db.prepare<[number, number], PostRow>(`SELECT * FROM status_posts WHERE id = ? AND page_id = ?`);
  const list = db.prepare<[number, number, number, number], PostRow>(
    `SELECT * FROM status_posts WHERE page_id = ? AND (created_at >= ? OR ends_at >= ?)
     ORDER BY coalesce(starts_at, created_at) DESC, id DESC LIMIT ?`,
  );
  const updates = db.prepare<[number], { id: number; status: PostStatus; message: string; created_at: number }>(
    `SELECT id, status, message, created_at FROM status_post_updates WHERE post_id = ? ORDER BY created_at DESC, id DESC`,
  );
  const del = db.prepare<[number, number]>(`DELETE FROM status_posts WHERE id = ? AND page_id = ?`);

  const toPost = (r: PostRow): StatusPost => ({
    id: r.id,
    pageId: r.page_id,
    kind: r.kind,
    title: r.title,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    updates: updates.all(r.id).map((u) => ({ id: u.id, status: u.status, message: u.message, createdAt: u.created_at })),
  });

  const createTx = db.transaction((pageId: number, post: NewPost, now: number) => {
    const { status, message, ...fields } = post;
    const id = Number(insert.run({ pageId, ...fields, now }).lastInsertRowid);
    insertUpdate.run(id, status, message, now);
    return toPost(get.get(id, pageId)!);
  });
  const updateTx = db.transaction((pageId: number, postId: number, status: PostStatus, message: string, now: number) => {
    if (touch.run(now, postId, pageId).changes === 0) return undefined;
    insertUpdate.run(postId, status, message, now);
    return toPost(get.get(postId, pageId)!);
  });

  return {
    createStatusPost: (pageId, post, now = Date.now()) => createTx(pageId, post, now),
    addStatusPostUpdate: (pageId, postId, status, message, now = Date.now()) => updateTx(pageId, postId, status, message, now),
    deleteStatusPost: (pageId, postId) => del.run(postId, pageId).changes === 1,
    listStatusPosts: (pageId, since, limit) => list.all(pageId, since, since, limit).map(toPost),
  };
}
