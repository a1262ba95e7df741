'use client';

import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiSite } from '@/lib/api/present';
import { HTTP_METHODS } from '@/lib/domain';
import { SITE_LIMITS, fieldErrors, siteCreateSchema, sitePatchSchema } from '@/lib/schemas';
import { DEFAULT_EXPECTED_STATUS } from '@/lib/status-codes';
import { api } from './api-client';
import type { OverviewSiteWire } from './overview-types';

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
};
const FIELD_ORDER = Object.keys(FIELD_LABELS);
const ADVANCED = new Set(['method', 'expectedStatus', 'followRedirects']);

function initialValues(site: OverviewSiteWire | undefined): Values {
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
  titleId,
  onSaved,
  onCancel,
}: {
  /** The site to edit; absent to add one. */
  site?: OverviewSiteWire;
  titleId: string;
  onSaved: (site: ApiSite) => void;
  onCancel: () => void;
}) {
  const isEdit = site !== undefined;
  const uid = useId();
  const id = (field: string) => `${uid}-${field}`;
  const [values, setValues] = useState<Values>(() => initialValues(site));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitting, setSubmitting] = useState(false);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    // A field's message goes once it is edited; it comes back on the next submit if still wrong.
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest);
  };

  const showErrors = (fields: Record<string, string>) => {
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
    const body = toBody(values, isEdit);
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
    onSaved(result.value);
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
        <summary>Advanced</summary>
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
        </div>
      </details>
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
