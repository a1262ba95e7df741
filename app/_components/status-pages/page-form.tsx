'use client';

import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { usePublicOrigin } from '../public-origin';
import { PageSitesEditor, type SiteChoice } from './page-sites-editor';
import { statusPagesApi, type PageEntry, type StatusPageWire } from './status-pages-api';
import styles from './status-pages.module.css';

const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const TOP_FIELDS = ['slug', 'title', 'description', 'logoUrl'];

/**
 * Create or edit a status page: its address, title, description, logo and the sites it shows. The slug is
 * checked as it is typed (the server checks it again); every message from the API is shown beside the field it
 * names, and nothing is saved until the whole page is valid.
 */
export function PageForm({
  page,
  sites,
  publicUrl,
  onSaved,
  cancel,
}: {
  page?: StatusPageWire;
  sites: readonly SiteChoice[];
  publicUrl: string | null;
  onSaved: (saved: StatusPageWire) => void;
  cancel: ReactNode;
}) {
  const id = useId();
  const origin = usePublicOrigin(publicUrl);
  const [slug, setSlug] = useState(page?.slug ?? '');
  const [title, setTitle] = useState(page?.title ?? '');
  const [description, setDescription] = useState(page?.description ?? '');
  const [logoUrl, setLogoUrl] = useState(page?.logoUrl ?? '');
  const [entries, setEntries] = useState<PageEntry[]>(page?.sites.map(({ siteId, group, showUrl }) => ({ siteId, group, showUrl })) ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const publicAt = `Public at ${origin ?? ''}/status/${slug.trim() || '…'}`;
  // Said while typing; once the server has named the problem, its words stand alone under the field.
  const slugHint = errors.slug ? null : slug === '' || SLUG_PATTERN.test(slug.trim()) ? publicAt : 'Use lower-case letters, digits and dashes only.';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    const body = { slug: slug.trim(), title, description, logoUrl: logoUrl.trim(), sites: entries };
    const result = page ? await statusPagesApi.update(page.id, body) : await statusPagesApi.create(body);
    setSaving(false);
    if (result.ok) {
      setErrors({});
      setFormError(null);
      onSaved(result.value);
      return;
    }
    setErrors(result.fields);
    const placed = Object.keys(result.fields).some((k) => TOP_FIELDS.includes(k) || k.startsWith('sites'));
    setFormError(placed ? 'Some fields need a look.' : result.message);
    // The first field named gets the focus, so a keyboard or screen-reader user lands on the problem.
    const first = TOP_FIELDS.find((f) => f in result.fields);
    if (first) document.getElementById(`${id}-${first}`)?.focus();
  };

  const described = (field: string, hint?: boolean) =>
    [hint ? `${id}-${field}-hint` : null, errors[field] ? `${id}-${field}-error` : null].filter(Boolean).join(' ') || undefined;
  const errorOf = (field: string, label: string) =>
    errors[field] ? (
      <p className="field-error" id={`${id}-${field}-error`}>
        {label} {errors[field]}
      </p>
    ) : null;

  return (
    <form className={`site-form panel ${styles.form}`} onSubmit={submit} noValidate aria-label={page ? `Edit ${page.title}` : 'New status page'}>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <div className="field-pair">
        <div className="field">
          <label htmlFor={`${id}-title`}>Title</label>
          <input
            id={`${id}-title`}
            type="text"
            value={title}
            placeholder="Acme status"
            maxLength={100}
            aria-invalid={errors.title ? true : undefined}
            aria-describedby={described('title')}
            onChange={(e) => setTitle(e.target.value)}
          />
          {errorOf('title', 'Title')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-slug`}>Address (slug)</label>
          <input
            id={`${id}-slug`}
            type="text"
            value={slug}
            placeholder="acme"
            autoComplete="off"
            spellCheck={false}
            maxLength={63}
            aria-invalid={errors.slug || (slug !== '' && !SLUG_PATTERN.test(slug.trim())) ? true : undefined}
            aria-describedby={described('slug', slugHint !== null)}
            onChange={(e) => {
              setSlug(e.target.value);
              setErrors(({ slug: _, ...rest }) => rest);
            }}
          />
          {slugHint && (
            <p className="field-hint" id={`${id}-slug-hint`} data-testid="public-url">
              {slugHint}
            </p>
          )}
          {errorOf('slug', 'Address')}
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description (optional)</label>
        <textarea
          id={`${id}-description`}
          className={styles.textarea}
          rows={2}
          maxLength={500}
          value={description}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={described('description')}
          onChange={(e) => setDescription(e.target.value)}
        />
        {errorOf('description', 'Description')}
      </div>
      <div className="field">
        <label htmlFor={`${id}-logoUrl`}>Logo URL (optional)</label>
        <input
          id={`${id}-logoUrl`}
          type="text"
          inputMode="url"
          value={logoUrl}
          placeholder="https://example.com/logo.svg"
          spellCheck={false}
          aria-invalid={errors.logoUrl ? true : undefined}
          aria-describedby={described('logoUrl', true)}
          onChange={(e) => setLogoUrl(e.target.value)}
        />
        <p className="field-hint" id={`${id}-logoUrl-hint`}>
          An https:// address, or a path on this server.
        </p>
        {errorOf('logoUrl', 'Logo URL')}
      </div>
      <PageSitesEditor sites={sites} value={entries} errors={errors} onChange={setEntries} />
      <div className="modal-actions">
        {cancel}
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Saving…' : page ? 'Save page' : 'Create page'}
        </button>
      </div>
    </form>
  );
}
