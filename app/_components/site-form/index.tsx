'use client';

import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { ApiSite } from '@/lib/api/present';
import { fieldErrors, siteCreateSchema, sitePatchSchema } from '@/lib/schemas';
import { api } from '../api-client';
import { HeaderRows, headerChanges, rowsFromStored, type HeaderRow } from '../header-rows';
import { ALERT_FIELD_LABELS, AlertFields, alertBody, initialAlertValues, type AlertValues } from '../site-alert-fields';
import { assertionOf, rowsFromAssertions, typesFor, type AssertionRow } from './assertion-model';
import { Field, NumberField, type FieldKit } from './field';
import { DnsFields, HttpRequestFields, PushFields, TcpFields } from './kind-fields';
import { KindChooser, TargetField } from './target-fields';
import { runPreview } from './preview';
import { PreviewPanel, type PreviewState } from './preview-panel';
import { PushUrlOnce } from './push-url';
import { ADVANCED, SITE_FIELD_LABELS, URL_LABELS, fieldOf, initialValues, toBody, type SiteFormSite, type Values } from './values';

export type { SiteFormSite } from './values';

const FIELD_LABELS: Record<string, string> = { ...SITE_FIELD_LABELS, ...ALERT_FIELD_LABELS };
const FIELD_ORDER = Object.keys(FIELD_LABELS);

/** A site already monitored, to warn about a second one with the same URL. */
export interface KnownSite {
  id: number;
  name: string;
  url: string;
}

/** The same URL as a browser would request it (`https://A.com` and `https://a.com/` are one site). */
function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a.trim()).href === new URL(b.trim()).href;
  } catch {
    return false;
  }
}

/**
 * Adds a site or edits one, by kind (HTTP, TCP, DNS, push): only the chosen kind's fields show. Checked in the
 * browser with the same zod schema as the API, and again by the API, whose per-field messages show next to their
 * fields; nothing is saved while any field is wrong. A new push site's ping URL is shown once before closing.
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
  const hasStoredBody = site?.requestBody !== undefined && site.requestBody !== null;
  const uid = useId();
  const id = (field: string) => `${uid}-${field}`;
  const [values, setValues] = useState<Values>(() => initialValues(site));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitting, setSubmitting] = useState(false);
  const [headerRows, setHeaderRows] = useState<HeaderRow[]>(() => rowsFromStored(site?.headers));
  const storedHeaders = Object.keys(site?.headers ?? {}).length;
  const [assertionRows, setAssertionRows] = useState<AssertionRow[]>(() => rowsFromAssertions(site?.assertions));
  const [preview, setPreview] = useState<PreviewState>({ kind: 'idle' });
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [alerts, setAlerts] = useState<AlertValues>(() => initialAlertValues(site));
  const [created, setCreated] = useState<{ site: ApiSite; pushPath: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const duplicateOf = useMemo(
    () => (values.kind === 'http' ? knownSites.find((k) => k.id !== site?.id && sameUrl(k.url, values.url)) : undefined),
    [knownSites, site?.id, values.url, values.kind],
  );
  // Rows of types the kind cannot assert are kept aside (not sent) while another kind is chosen.
  const shownRows = assertionRows.filter((r) => typesFor(values.kind).includes(r.type));

  const dropError = (key: string) => {
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest);
  };
  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    // A field's message goes once it is edited; it comes back on the next submit if still wrong.
    dropError(key);
  };

  const showErrors = (raw: Record<string, string>) => {
    const fields: Record<string, string> = {};
    for (const [key, message] of Object.entries(raw)) fields[fieldOf(key)] ??= message;
    setErrors(fields);
    if (Object.keys(fields).some((f) => ADVANCED.has(f))) setAdvancedOpen(true);
    const first = FIELD_ORDER.find((f) => fields[f] !== undefined) ?? Object.keys(fields).find((f) => f.startsWith('assertions.'));
    const name = first?.startsWith('assertions.') ? 'assertions' : first;
    // After React has rendered the messages, take the user to the first wrong field.
    requestAnimationFrame(() => {
      const el = name ? formRef.current?.querySelector<HTMLElement>(`[name="${name}"]`) : null;
      (el ?? formRef.current?.querySelector<HTMLElement>('[role="alert"]'))?.focus();
    });
  };

  /** The API body of the form as it stands, or null after showing what is wrong with it. */
  const draft = (): Record<string, unknown> | null => {
    const body: Record<string, unknown> = { ...toBody(values, isEdit, hasStoredBody), ...alertBody(alerts) };
    if (values.kind !== 'push') body.assertions = shownRows.map(assertionOf);
    else if (isEdit) body.assertions = [];
    if (values.kind === 'http') {
      const headers = headerChanges(headerRows, storedHeaders);
      if (headers.kind === 'retype') {
        const names = headers.names.map((n) => `"${n}"`).join(', ');
        showErrors({ headers: `need the value of ${names} typed again: saving headers replaces all of them, and stored values are never shown` });
        return null;
      }
      // Left out unless changed: the API keeps the stored (secret) values only when `headers` is not sent.
      if (headers.kind === 'set') body.headers = headers.headers;
    }
    const parsed = (isEdit ? sitePatchSchema : siteCreateSchema).safeParse(body);
    if (!parsed.success) {
      showErrors(fieldErrors(parsed.error));
      return null;
    }
    return body;
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (submitting) return;
    const body = draft();
    if (body === null) return;
    setSubmitting(true);
    const result = isEdit ? await api.updateSite(site.id, body) : await api.createSite(body);
    setSubmitting(false);
    if (!result.ok) {
      showErrors(Object.keys(result.fields).length > 0 ? result.fields : { _: result.message });
      return;
    }
    const pushPath = (result.value as { pushPath?: unknown }).pushPath;
    if (typeof pushPath === 'string') setCreated({ site: result.value, pushPath });
    else onSaved(result.value, duplicateOf);
  };

  const kit: FieldKit = {
    values,
    set,
    id,
    props: (field, hint) => {
      const describedBy = [hint ? id(`${field}-hint`) : '', errors[field] ? id(`${field}-error`) : ''].filter(Boolean).join(' ');
      return { id: id(field), name: field, 'aria-invalid': errors[field] ? true : undefined, 'aria-describedby': describedBy || undefined };
    },
    error: (field) =>
      errors[field] ? (
        <p id={id(`${field}-error`)} className="field-error">
          {field === 'url' ? URL_LABELS[values.kind] : FIELD_LABELS[field]} {errors[field]}
        </p>
      ) : null,
  };

  if (created) {
    return (
      <div className="site-form">
        <h2 id={titleId} className="modal-title">
          Added {created.site.name}
        </h2>
        <PushUrlOnce pushPath={created.pushPath} />
        <div className="modal-actions">
          <button type="button" className="btn btn-primary" onClick={() => onSaved(created.site, undefined)}>
            Done
          </button>
        </div>
      </div>
    );
  }

  // Messages for fields the form does not show (unknown fields, the body as a whole).
  const general = Object.entries(errors)
    .filter(([field]) => !(field in FIELD_LABELS) && !field.startsWith('assertions.'))
    .map(([field, message]) => (field === '_' ? message : `${field} ${message}`));
  const assertionErrors = Object.fromEntries(
    Object.entries(errors).flatMap(([k, m]) => (k.startsWith('assertions.') ? [[k.slice('assertions.'.length), m]] : k === 'assertions' ? [['list', m]] : [])),
  );

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
      <KindChooser
        kit={kit}
        onChoose={() => {
          dropError('url');
          setPreview({ kind: 'idle' });
        }}
      />
      {values.kind !== 'push' && <TargetField kit={kit} duplicateOf={duplicateOf} isEdit={isEdit} />}
      <Field label="Name" htmlFor={id('name')} error={kit.error('name')}>
        <input
          {...kit.props('name', true)}
          type="text"
          autoComplete="off"
          placeholder={namePlaceholder(values)}
          value={values.name}
          onChange={(e) => set('name', e.target.value)}
        />
        <p id={id('name-hint')} className="field-hint">
          Optional: {values.kind === 'push' ? '"Push check"' : 'the host name'} is used when left empty
        </p>
      </Field>
      <div className="field-pair">
        <NumberField kit={kit} field="intervalSeconds" label={values.kind === 'push' ? 'Expect a ping every' : 'Check every'} unit="seconds" />
        {values.kind === 'push' ? <PushFields kit={kit} isEdit={isEdit} /> : <NumberField kit={kit} field="timeoutMs" label="Timeout" unit="ms" />}
      </div>
      {values.kind === 'tcp' && <TcpFields kit={kit} />}
      {values.kind === 'dns' && <DnsFields kit={kit} />}
      {values.kind === 'http' && (
        <details className="advanced" open={advancedOpen} onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}>
          <summary>
            Advanced
            {headerRows.length > 0 && ` (${headerRows.length} ${headerRows.length === 1 ? 'header' : 'headers'})`}
          </summary>
          <div className="advanced-body">
            <HttpRequestFields kit={kit} hasStoredBody={hasStoredBody} />
            <HeaderRows
              idPrefix={uid}
              rows={headerRows}
              error={errors.headers && `${FIELD_LABELS.headers}: ${errors.headers}`}
              onChange={(rows) => {
                setHeaderRows(rows);
                dropError('headers');
              }}
            />
          </div>
        </details>
      )}
      {values.kind !== 'push' && (
        <PreviewPanel
          kind={values.kind}
          rows={shownRows}
          state={preview}
          errors={assertionErrors}
          onRowsChange={(rows, changedKey) => {
            const aside = assertionRows.filter((r) => !typesFor(values.kind).includes(r.type));
            setAssertionRows([...rows, ...aside]);
            setErrors((all) => Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('assertions'))));
            if (changedKey !== null && preview.kind === 'done') {
              const verdicts = new Map(preview.verdicts);
              verdicts.delete(changedKey);
              setPreview({ ...preview, verdicts });
            }
          }}
          onRun={async () => {
            const body = draft();
            if (body === null) return;
            setPreview({ kind: 'running' });
            const result = await runPreview(body, site?.id);
            if (!result.ok) {
              if (Object.keys(result.fields).length > 0) showErrors(result.fields);
              setPreview({ kind: 'failed', message: result.message });
              return;
            }
            setPreview({ kind: 'done', result: result.value, verdicts: new Map(shownRows.map((r, i) => [r.key, result.value.assertions[i]!])) });
          }}
        />
      )}
      <AlertFields
        idPrefix={uid}
        values={alerts}
        errors={errors}
        siteChannels={site?.channels}
        onChange={(key, value) => {
          setAlerts((a) => ({ ...a, [key]: value }));
          dropError(key);
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

function namePlaceholder(v: Values): string {
  if (v.kind === 'push') return 'Push check';
  if (v.kind !== 'http') return v.url.trim() || 'example.com';
  try {
    return new URL(v.url.trim()).hostname.replace(/^www\./, '') || 'example.com';
  } catch {
    return 'example.com';
  }
}
