'use client';

import { SITE_KINDS, type SiteKind } from '@/db/domain';
import { Field, type FieldKit } from './field';
import { KIND_LABELS, URL_LABELS } from './values';
import styles from './site-form.module.css';

/** The form's first choices: what kind of check, and what it checks (a URL, host:port, a name). */

const URL_HINTS: Record<SiteKind, string> = {
  http: 'The address to check, with http:// or https://',
  tcp: 'host:port, e.g. db.internal:5432',
  dns: 'e.g. example.com',
  push: '',
};
const URL_PLACEHOLDERS: Record<SiteKind, string> = { http: 'https://example.com/health', tcp: 'db.internal:5432', dns: 'example.com', push: '' };

export function KindChooser({ kit, onChoose }: { kit: FieldKit; onChoose: (kind: SiteKind) => void }) {
  return (
    <fieldset className={styles.kinds}>
      <legend>Kind</legend>
      {SITE_KINDS.map((k) => (
        <label key={k} className={styles.kindOption}>
          <input
            type="radio"
            name="kind"
            value={k}
            checked={kit.values.kind === k}
            onChange={() => {
              kit.set('kind', k);
              onChoose(k);
            }}
          />
          {KIND_LABELS[k]}
        </label>
      ))}
      {kit.error('kind')}
    </fieldset>
  );
}

export function TargetField({
  kit,
  duplicateOf,
  isEdit,
}: {
  kit: FieldKit;
  /** A site that already has this URL, warned about (adding it anyway is allowed). */
  duplicateOf: { name: string } | undefined;
  isEdit: boolean;
}) {
  const { kind, url } = kit.values;
  return (
    <Field label={URL_LABELS[kind]} htmlFor={kit.id('url')} error={kit.error('url')}>
      <input
        {...kit.props('url', true)}
        type="text"
        inputMode={kind === 'http' ? 'url' : 'text'}
        autoComplete={kind === 'http' ? 'url' : 'off'}
        spellCheck={false}
        placeholder={URL_PLACEHOLDERS[kind]}
        value={url}
        onChange={(e) => kit.set('url', e.target.value)}
        required
        autoFocus
      />
      <p id={kit.id('url-hint')} className="field-hint">
        {URL_HINTS[kind]}
      </p>
      {duplicateOf && (
        <p className={styles.warning} data-testid="duplicate-warning">
          Already monitored as <strong>{duplicateOf.name}</strong>. You can {isEdit ? 'save' : 'add'} it anyway.
        </p>
      )}
    </Field>
  );
}
