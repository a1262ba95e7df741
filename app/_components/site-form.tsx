'use client';

import { useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiSite } from '@/lib/api/present';
import { HTTP_METHODS } from '@/db/domain';
import { SITE_LIMITS, fieldErrors, siteCreateSchema, sitePatchSchema } from '@/lib/schemas';
import { DEFAULT_EXPECTED_STATUS } from '@/lib/status-codes';
import { api } from './api-client';
import { HeaderRows, headerChanges, rowsFromStored, type HeaderRow } from './header-rows';
import { ALERT_FIELD_LABELS, AlertFields, alertBody, initialAlertValues, type AlertSite, type AlertValues } from './site-alert-fields';
import styles from './site-form.module.css';

/** What the form needs of a site to edit it (the REST API's site shape fits). */
export type SiteFormSite = Pick<
  ApiSite,
  'id' | 'name' | 'url' | 'method' | 'intervalSeconds' | 'timeoutMs' | 'expectedStatus' | 'followRedirects' | 'headers'
> &
  Partial<AlertSite>;

/** A site already monitored, to warn about a second one with the same URL. */
export interface KnownSite {
  id: number;
  name: string;
  url: string;
}

interface Values {
  url: string;
  name: string;
  intervalSeconds: string;
  timeoutMs: string;
  method: string;
  expectedStatus: string;
  followRedirects: boolean;
}

const FIELD_LABELS: Record<string, string> = {
  url: 'URL',
  name: 'Name',
  intervalSeconds: 'Check every',
  timeoutMs: 'Timeout',
  method: 'Method',
  expectedStatus: 'Expected status codes',
  followRedirects: 'Follow redirects',
  headers: 'Request headers',
  ...ALERT_FIELD_LABELS,
};
const FIELD_ORDER = Object.keys(FIELD_LABELS);
const ADVANCED = new Set(['method', 'expectedStatus', 'followRedirects', 'headers']);

/** The API names header problems `headers` or `headers.<name>`: all of them show by the header rows. */
function fieldOf(key: string): string {
  if (key.startsWith('channels.')) return 'channels';
  return key.startsWith('headers.') ? 'headers' : key;
}

/** The same URL as a browser would request it (`https://A.com` and `https://a.com/` are one site). */
function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a.trim()).href === new URL(b.trim()).href;
  } catch {
    return false;
  }
}

function initialValues(site: SiteFormSite | undefined): Values {
  return {
    url: site?.url ?? '',
    name: site?.name ?? '',
    intervalSeconds: String(site?.intervalSeconds ?? SITE_LIMITS.intervalSeconds.default),
    timeoutMs: String(site?.timeoutMs ?? SITE_LIMITS.timeoutMs.default),
    method: site?.method ?? 'GET',
    expectedStatus: site?.expectedStatus ?? DEFAULT_EXPECTED_STATUS,
    followRedirects: site?.followRedirects ?? true,
  };
}

/** A number when the text is one; otherwise the text itself, so the schema names the problem. */
function numberOrText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The JSON the API takes. Empty optional fields are left out (the server's defaults apply). */
function toBody(v: Values, isEdit: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { url: v.url };
  // On an edit an empty name means "derive it from the URL again"; on an add, leaving it out does the same.
  if (v.name.trim() !== '' || isEdit) body.name = v.name;
  const interval = numberOrText(v.intervalSeconds);
  if (interval !== undefined) body.intervalSeconds = interval;
  const timeout = numberOrText(v.timeoutMs);
  if (timeout !== undefined) body.timeoutMs = timeout;
  body.method = v.method;
  if (v.expectedStatus.trim() !== '') body.expectedStatus = v.expectedStatus;
  body.followRedirects = v.followRedirects;
  return body;
}

/**
 * Adds a site or edits one. Checked in the browser with the same zod schema as the API, and again by the API,
 * whose per-field messages show next to their fields; nothing is saved while any field is wrong.
 */
export function SiteForm({
  site,
  knownSites = [],
  titleId,
  onSaved,
  onCancel,
}: {
  /** The site to edit; absent to add one. */
  site?: SiteFormSite;
  /** The sites already monitored: a URL one of them has is allowed, with a warning. */
  knownSites?: readonly KnownSite[];
  titleId: string;
  /** `duplicateOf` names the site that already had this URL, if one did. */
  onSaved: (site: ApiSite, duplicateOf: KnownSite | undefined) => void;
  onCancel: () => void;
}) {
  const isEdit = site !== undefined;
  const uid = useId();
  const id = (field: string) => `${uid}-${field}`;
  const [values, setValues] = useState<Values>(() => initialValues(site));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitting, setSubmitting] = useState(false);
  const [headerRows, setHeaderRows] = useState<HeaderRow[]>(() => rowsFromStored(site?.headers));
  const storedHeaders = Object.keys(site?.headers ?? {}).length;
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [alerts, setAlerts] = useState<AlertValues>(() => initialAlertValues(site));
  const formRef = useRef<HTMLFormElement>(null);
  const duplicateOf = useMemo(
    () => knownSites.find((k) => k.id !== site?.id && sameUrl(k.url, values.url)),
    [knownSites, site?.id, values.url],
  );

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    // A field's message goes once it is edited; it comes back on the next submit if still wrong.
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest);
  };

  const showErrors = (raw: Record<string, string>) => {
    const fields: Record<string, string> = {};
    for (const [key, message] of Object.entries(raw)) fields[fieldOf(key)] ??= message;
    setErrors(fields);
    if (Object.keys(fields).some((f) => ADVANCED.has(f))) setAdvancedOpen(true);
    const first = FIELD_ORDER.find((f) => fields[f] !== undefined);
    // After React has rendered the messages, take the user to the first wrong field.
    requestAnimationFrame(() => {
      const el = first ? formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`) : null;
      (el ?? formRef.current?.querySelector<HTMLElement>('[role="alert"]'))?.focus();
    });
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (submitting) return;
    const body = { ...toBody(values, isEdit), ...alertBody(alerts) };
    const headers = headerChanges(headerRows, storedHeaders);
    if (headers.kind === 'retype') {
      const names = headers.names.map((n) => `"${n}"`).join(', ');
      showErrors({
        headers: `need the value of ${names} typed again: saving headers replaces all of them, and stored values are never shown`,
      });
      return;
    }
    // Left out unless changed: the API keeps the stored (secret) values only when `headers` is not sent.
    if (headers.kind === 'set') body.headers = headers.headers;
    const parsed = (isEdit ? sitePatchSchema : siteCreateSchema).safeParse(body);
    if (!parsed.success) {
      showErrors(fieldErrors(parsed.error));
      return;
    }
    setSubmitting(true);
    const result = isEdit ? await api.updateSite(site.id, body) : await api.createSite(body);
    setSubmitting(false);
    if (!result.ok) {
      showErrors(Object.keys(result.fields).length > 0 ? result.fields : { _: result.message });
      return;
    }
    onSaved(result.value, duplicateOf);
  };

  const fieldProps = (field: keyof Values, hint?: boolean) => {
    const describedBy = [hint ? id(`${field}-hint`) : '', errors[field] ? id(`${field}-error`) : '']
      .filter(Boolean)
      .join(' ');
    return {
      id: id(field),
      name: field,
      'aria-invalid': errors[field] ? true : undefined,
      'aria-describedby': describedBy || undefined,
    };
  };

  const error = (field: string) =>
    errors[field] ? (
      <p id={id(`${field}-error`)} className="field-error">
        {FIELD_LABELS[field]} {errors[field]}
      </p>
    ) : null;

  // Messages for fields the form does not show (unknown fields, the body as a whole).
  const general = Object.entries(errors)
    .filter(([field]) => !(field in FIELD_LABELS))
    .map(([field, message]) => (field === '_' ? message : `${field} ${message}`));

  return (
    <form ref={formRef} className="site-form" noValidate onSubmit={submit} aria-busy={submitting || undefined}>
      <h2 id={titleId} className="modal-title">
        {isEdit ? `Edit ${site.name}` : 'Add a site'}
      </h2>
      {general.length > 0 && (
        <p className="form-error" role="alert" tabIndex={-1}>
          {general.join('. ')}
        </p>
      )}
      <Field label="URL" htmlFor={id('url')} error={error('url')}>
        <input
          {...fieldProps('url', true)}
          type="text"
          inputMode="url"
          autoComplete="url"
          spellCheck={false}
          placeholder="https://example.com/health"
          value={values.url}
          onChange={(e) => set('url', e.target.value)}
          required
          autoFocus
        />
        <p id={id('url-hint')} className="field-hint">
          The address to check, with http:// or https://
        </p>
        {duplicateOf && (
          <p className={styles.warning} data-testid="duplicate-warning">
            Already monitored as <strong>{duplicateOf.name}</strong>. You can {isEdit ? 'save' : 'add'} it anyway.
          </p>
        )}
      </Field>
      <Field label="Name" htmlFor={id('name')} error={error('name')}>
        <input
          {...fieldProps('name', true)}
          type="text"
          autoComplete="off"
          placeholder={hostPlaceholder(values.url)}
          value={values.name}
          onChange={(e) => set('name', e.target.value)}
        />
        <p id={id('name-hint')} className="field-hint">
          Optional: the host name is used when left empty
        </p>
      </Field>
      <div className="field-pair">
        <Field label="Check every" htmlFor={id('intervalSeconds')} error={error('intervalSeconds')}>
          <span className="with-unit">
            <input
              {...fieldProps('intervalSeconds', true)}
              type="text"
              inputMode="numeric"
              value={values.intervalSeconds}
              onChange={(e) => set('intervalSeconds', e.target.value)}
            />
            <span id={id('intervalSeconds-hint')} className="unit">
              seconds
            </span>
          </span>
        </Field>
        <Field label="Timeout" htmlFor={id('timeoutMs')} error={error('timeoutMs')}>
          <span className="with-unit">
            <input
              {...fieldProps('timeoutMs', true)}
              type="text"
              inputMode="numeric"
              value={values.timeoutMs}
              onChange={(e) => set('timeoutMs', e.target.value)}
            />
            <span id={id('timeoutMs-hint')} className="unit">
              ms
            </span>
          </span>
        </Field>
      </div>
      <details
        className="advanced"
        open={advancedOpen}
        onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}
      >
        <summary>
          Advanced
          {headerRows.length > 0 && ` (${headerRows.length} ${headerRows.length === 1 ? 'header' : 'headers'})`}
        </summary>
        <div className="advanced-body">
          <Field label="Method" htmlFor={id('method')} error={error('method')}>
            <select {...fieldProps('method')} value={values.method} onChange={(e) => set('method', e.target.value)}>
              {HTTP_METHODS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Expected status codes" htmlFor={id('expectedStatus')} error={error('expectedStatus')}>
            <input
              {...fieldProps('expectedStatus', true)}
              type="text"
              spellCheck={false}
              value={values.expectedStatus}
              onChange={(e) => set('expectedStatus', e.target.value)}
            />
            <p id={id('expectedStatus-hint')} className="field-hint">
              Codes and ranges that count as up, e.g. 200-299,301
            </p>
          </Field>
          <div className="field field-check">
            <input
              {...fieldProps('followRedirects')}
              type="checkbox"
              checked={values.followRedirects}
              onChange={(e) => set('followRedirects', e.target.checked)}
            />
            <label htmlFor={id('followRedirects')}>Follow redirects</label>
            {error('followRedirects')}
          </div>
          <HeaderRows
            idPrefix={uid}
            rows={headerRows}
            error={errors.headers && `${FIELD_LABELS.headers}: ${errors.headers}`}
            onChange={(rows) => {
              setHeaderRows(rows);
              if (errors.headers) setErrors(({ headers: _gone, ...rest }) => rest);
            }}
          />
        </div>
      </details>
      <AlertFields
        idPrefix={uid}
        values={alerts}
        errors={errors}
        siteChannels={site?.channels}
        onChange={(key, value) => {
          setAlerts((a) => ({ ...a, [key]: value }));
          if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest);
        }}
      />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={submitting}>
          {isEdit ? 'Save changes' : 'Add site'}
        </button>
      </div>
    </form>
  );
}

function Field({
  label,
  htmlFor,
  error,
  children,
}: {
  label: string;
  htmlFor: string;
  error: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {error}
    </div>
  );
}

function hostPlaceholder(url: string): string {
  try {
    return new URL(url.trim()).hostname.replace(/^www\./, '') || 'example.com';
  } catch {
    return 'example.com';
  }
}
