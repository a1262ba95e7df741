'use client';

import { useState } from 'react';
import useSWR from 'swr';
import { unwrap } from '../api-client';
import { Modal } from '../modal';
import { PostForm } from './post-form';
import { PostItem } from './post-item';
import { postsKey, statusPagesApi, type PostWire } from './status-pages-api';
import styles from './status-pages.module.css';

/** A page's incident posts and maintenance notices, newest first: post one, add updates, delete after asking. */
export function PagePosts({ pageId, initial }: { pageId: number; initial: PostWire[] }) {
  const { data, mutate } = useSWR(postsKey(pageId), async () => unwrap(await statusPagesApi.posts(pageId)), {
    fallbackData: initial,
  });
  const posts = data ?? initial;
  const [deleting, setDeleting] = useState<PostWire | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const remove = async (post: PostWire) => {
    const result = await statusPagesApi.removePost(pageId, post.id);
    if (!result.ok && result.status !== 404) {
      setDeleteError(result.message);
      return;
    }
    setDeleting(null);
    void mutate(
      posts.filter((p) => p.id !== post.id),
      { revalidate: true },
    );
  };

  return (
    <section className={`panel ${styles.posts}`} aria-labelledby="posts-heading">
      <h2 id="posts-heading">Incident posts and maintenance</h2>
      <p className={styles.muted}>
        What you post here shows on the public page and in its Atom feed at once. Post updates as things change;
        resolve an incident with a last update.
      </p>
      <PostForm pageId={pageId} onPosted={() => void mutate()} />
      {posts.length === 0 ? (
        <p className={styles.muted}>Nothing posted yet.</p>
      ) : (
        <ol className={styles.postList} aria-label="Posts, newest first">
          {posts.map((p) => (
            <PostItem
              key={p.id}
              pageId={pageId}
              post={p}
              onChanged={(saved) => void mutate(posts.map((x) => (x.id === saved.id ? saved : x)), { revalidate: true })}
              onDelete={() => {
                setDeleteError(null);
                setDeleting(p);
              }}
            />
          ))}
        </ol>
      )}
      <Modal open={deleting !== null} onClose={() => setDeleting(null)} labelledBy="delete-post-title" className="modal-small">
        {deleting && (
          <div className="confirm">
            <h2 className="modal-title" id="delete-post-title">
              Delete {deleting.title}?
            </h2>
            <p>The post and all its updates leave the public page and its feed. This cannot be undone.</p>
            {deleteError && (
              <p className="form-error" role="alert">
                {deleteError}
              </p>
            )}
            <div className="modal-actions">
              <button type="button" className="btn" onClick={() => setDeleting(null)} autoFocus>
                Cancel
              </button>
              <button type="button" className="btn btn-danger" onClick={() => void remove(deleting)}>
                Delete post
              </button>
            </div>
          </div>
        )}
      </Modal>
    </section>
  );
}
