'use client';

import { useId, useState, type FormEvent } from 'react';
import { useIsClient } from '../clock';
import { fromLocalInput, localZoneName, toLocalInput } from './local-time';
import { STATUS_WORDS, statusPagesApi, statusesOf, type PostBody, type PostKind, type PostWire } from './status-pages-api';
import styles from './status-pages.module.css';

const HOUR = 3_600_000;
const nextHour = () => Math.ceil(Date.now() / HOUR) * HOUR;

/**
 * A new incident post or maintenance notice on a page. Maintenance takes its start and end in the viewer's own
 * time zone (named beside the inputs) and sends them as ISO 8601 instants.
 */
export function PostForm({ pageId, onPosted }: { pageId: number; onPosted: (post: PostWire) => void }) {
  const id = useId();
  const isClient = useIsClient();
  const [kind, setKind] = useState<PostKind>('incident');
  const [title, setTitle] = useState('');
  const [status, setStatus] = useState('investigating');
  const [message, setMessage] = useState('');
  // Filled in the browser only: the server does not know the viewer's zone.
  const [startsAt, setStartsAt] = useState(() => (typeof window === 'undefined' ? '' : toLocalInput(nextHour())));
  const [endsAt, setEndsAt] = useState(() => (typeof window === 'undefined' ? '' : toLocalInput(nextHour() + HOUR)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const chooseKind = (next: PostKind) => {
    setKind(next);
    setStatus(statusesOf(next)[0]!);
    setErrors({});
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    const starts = fromLocalInput(startsAt);
    const ends = fromLocalInput(endsAt);
    if (kind === 'maintenance') {
      if (!starts) local.startsAt = 'must be a date and time';
      if (!ends) local.endsAt = 'must be a date and time';
    }
    if (Object.keys(local).length > 0) {
      setErrors(local);
      setFormError('Some fields need a look.');
      return;
    }
    const body: PostBody =
      kind === 'incident' ? { kind, title, status, message } : { kind, title, status, message, startsAt: starts!, endsAt: ends! };
    setSaving(true);
    const result = await statusPagesApi.createPost(pageId, body);
    setSaving(false);
    if (!result.ok) {
      setErrors(result.fields);
      setFormError(Object.keys(result.fields).length > 0 ? 'Some fields need a look.' : result.message);
      return;
    }
    setErrors({});
    setFormError(null);
    setTitle('');
    setMessage('');
    onPosted(result.value);
  };

  const field = (name: string) => ({
    id: `${id}-${name}`,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${id}-${name}-error` : undefined,
  });
  const errorOf = (name: string, label: string) =>
    errors[name] ? (
      <p className="field-error" id={`${id}-${name}-error`}>
        {label} {errors[name]}
      </p>
    ) : null;

  return (
    <form className={styles.postForm} onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>New post</h3>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <fieldset className={`field ${styles.kinds}`}>
        <legend>Kind</legend>
        {(['incident', 'maintenance'] as const).map((k) => (
          <label key={k} className={styles.kind}>
            <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => chooseKind(k)} />
            {k === 'incident' ? 'Incident' : 'Maintenance'}
          </label>
        ))}
      </fieldset>
      <div className="field-pair">
        <div className="field">
          <label htmlFor={`${id}-title`}>Title</label>
          <input
            {...field('title')}
            type="text"
            value={title}
            maxLength={200}
            placeholder={kind === 'incident' ? 'API answering slowly' : 'Database upgrade'}
            onChange={(e) => setTitle(e.target.value)}
          />
          {errorOf('title', 'Title')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select {...field('status')} value={status} onChange={(e) => setStatus(e.target.value)}>
            {statusesOf(kind).map((s) => (
              <option key={s} value={s}>
                {STATUS_WORDS[s]}
              </option>
            ))}
          </select>
          {errorOf('status', 'Status')}
        </div>
      </div>
      {kind === 'maintenance' && (
        <div className="field-pair">
          <div className="field">
            <label htmlFor={`${id}-startsAt`}>Starts</label>
            <input {...field('startsAt')} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
            {errorOf('startsAt', 'Start')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-endsAt`}>Ends</label>
            <input {...field('endsAt')} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
            {errorOf('endsAt', 'End')}
          </div>
          <p className={`field-hint ${styles.zone}`}>{isClient ? `Times in your time zone, ${localZoneName()}.` : 'Times in your time zone.'}</p>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-message`}>Message</label>
        <textarea
          {...field('message')}
          className={styles.textarea}
          rows={3}
          maxLength={5000}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
        {errorOf('message', 'Message')}
      </div>
      <div className="modal-actions">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Posting…' : kind === 'incident' ? 'Post incident' : 'Post maintenance notice'}
        </button>
      </div>
    </form>
  );
}
