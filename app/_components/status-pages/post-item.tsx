'use client';

import { useId, useState, type FormEvent } from 'react';
import { readNow, useIsClient } from '../clock';
import { formatDateTime } from '../format';
import { STATUS_WORDS, statusPagesApi, statusesOf, type PostWire } from './status-pages-api';
import styles from './status-pages.module.css';

/** One post on the edit view: its window (maintenance), its updates newest first, a form to add one, delete. */
export function PostItem({
  pageId,
  post,
  onChanged,
  onDelete,
}: {
  pageId: number;
  post: PostWire;
  onChanged: (post: PostWire) => void;
  onDelete: () => void;
}) {
  const id = useId();
  // Times are drawn in the viewer's zone once in the browser; the server's first paint names UTC.
  const now = useIsClient() ? readNow() : null;
  const when = (ms: number) => formatDateTime(ms, now);
  const current = post.updates[0]?.status ?? '';
  const [open, setOpen] = useState(false);

  return (
    <li className={styles.post} data-post={post.id} aria-labelledby={`${id}-title`}>
      <div className={styles.postHead}>
        <div>
          <h3 className={styles.postTitle} id={`${id}-title`}>
            {post.title}
          </h3>
          <p className={styles.muted}>
            {post.kind === 'incident' ? 'Incident' : 'Maintenance'} · <span data-testid="post-status">{STATUS_WORDS[current] ?? current}</span>
            {post.startsAt !== null && post.endsAt !== null && (
              <>
                {' · '}
                <time dateTime={new Date(post.startsAt).toISOString()}>{when(post.startsAt)}</time> –{' '}
                <time dateTime={new Date(post.endsAt).toISOString()}>{when(post.endsAt)}</time>
              </>
            )}
          </p>
        </div>
        <div className="row-actions">
          <button type="button" className="btn btn-small" aria-expanded={open} aria-controls={`${id}-update`} onClick={() => setOpen((v) => !v)}>
            Add update
          </button>
          <button type="button" className="btn btn-small btn-danger-quiet" aria-label={`Delete ${post.title}`} onClick={onDelete}>
            Delete
          </button>
        </div>
      </div>
      {open && (
        <div id={`${id}-update`}>
          <UpdateForm
            pageId={pageId}
            post={post}
            onAdded={(saved) => {
              setOpen(false);
              onChanged(saved);
            }}
          />
        </div>
      )}
      <ol className={styles.updates} aria-label={`Updates to ${post.title}, newest first`}>
        {post.updates.map((u) => (
          <li key={u.id}>
            <p className={styles.updateMeta}>
              <strong>{STATUS_WORDS[u.status] ?? u.status}</strong> · <time dateTime={new Date(u.createdAt).toISOString()}>{when(u.createdAt)}</time>
            </p>
            <p className={styles.updateMessage}>{u.message}</p>
          </li>
        ))}
      </ol>
    </li>
  );
}

function UpdateForm({ pageId, post, onAdded }: { pageId: number; post: PostWire; onAdded: (post: PostWire) => void }) {
  const id = useId();
  const statuses = statusesOf(post.kind);
  const current = post.updates[0]?.status;
  // The next step after the current one is the likeliest update (identified after investigating).
  const [status, setStatus] = useState(statuses[Math.min(statuses.indexOf(current ?? '') + 1, statuses.length - 1)] ?? statuses[0]!);
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    const result = await statusPagesApi.addUpdate(pageId, post.id, { status, message });
    setSaving(false);
    if (result.ok) {
      onAdded(result.value);
      return;
    }
    setErrors(result.fields);
    setFormError(Object.keys(result.fields).length > 0 ? null : result.message);
  };

  return (
    <form className={styles.updateForm} onSubmit={submit} noValidate aria-label={`Update to ${post.title}`}>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)}>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {STATUS_WORDS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-message`}>Update</label>
        <textarea
          id={`${id}-message`}
          className={styles.textarea}
          rows={2}
          maxLength={5000}
          value={message}
          aria-invalid={errors.message ? true : undefined}
          aria-describedby={errors.message ? `${id}-message-error` : undefined}
          onChange={(e) => setMessage(e.target.value)}
        />
        {errors.message && (
          <p className="field-error" id={`${id}-message-error`}>
            Update {errors.message}
          </p>
        )}
      </div>
      <button type="submit" className="btn btn-small btn-primary" disabled={saving}>
        {saving ? 'Posting…' : 'Post update'}
      </button>
    </form>
  );
}
