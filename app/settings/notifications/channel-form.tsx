'use client';

import { useId, useState, type FormEvent } from 'react';
import { CHANNEL_FORMS, CHANNEL_TYPES, textOf, valueOf, type ChannelField } from './channel-fields';
import { channelsApi, type ApiChannel } from './channels-api';
import styles from './notifications.module.css';

export interface SiteChoice {
  id: number;
  name: string;
}

/**
 * Add or edit a channel: its type's fields, whether it is preselected for new sites, and the sites it tells
 * about. Secrets of a stored channel show as `set`; leaving them so keeps them.
 */
export function ChannelForm({
  channel,
  sites,
  onSaved,
  onCancel,
}: {
  channel?: ApiChannel;
  sites: readonly SiteChoice[];
  onSaved: (saved: ApiChannel) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [type, setType] = useState(channel?.type ?? 'webhook');
  const [name, setName] = useState(channel?.name ?? '');
  const [texts, setTexts] = useState<Record<string, string>>(() => {
    const form = CHANNEL_FORMS[channel?.type ?? 'webhook'];
    return Object.fromEntries((form?.fields ?? []).map((f) => [f.name, textOf(f, channel?.config[f.name])]));
  });
  const [isDefault, setIsDefault] = useState(channel?.isDefault ?? false);
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [chosen, setChosen] = useState<Set<number>>(new Set(channel?.sites ?? []));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const fields = CHANNEL_FORMS[type]?.fields ?? [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const config: Record<string, unknown> = {};
    for (const f of fields) {
      const value = valueOf(f, texts[f.name] ?? '');
      if (value !== undefined) config[f.name] = value;
    }
    const body = { name, config, isDefault, enabled, sites: [...chosen] };
    setSaving(true);
    const result = channel ? await channelsApi.update(channel.id, body) : await channelsApi.create({ ...body, type });
    setSaving(false);
    if (result.ok) {
      onSaved(result.value);
      return;
    }
    setErrors(result.fields);
    const placed = Object.keys(result.fields).some((k) => k === 'name' || k.startsWith('config.') || k === 'sites');
    setFormError(placed ? 'Some fields need a look.' : result.message);
  };

  const fieldId = (f: string) => `${id}-${f}`;
  const error = (key: string) =>
    errors[key] ? (
      <p className="field-error" id={`${fieldId(key)}-error`}>
        {errors[key]}
      </p>
    ) : null;

  return (
    <form className="site-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 className="modal-title" id={`${id}-title`}>
        {channel ? `Edit ${channel.name}` : 'Add a notification channel'}
      </h2>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <div className="field-pair">
        <div className="field">
          <label htmlFor={fieldId('type')}>Type</label>
          <select
            id={fieldId('type')}
            value={type}
            disabled={channel !== undefined}
            onChange={(e) => {
              setType(e.target.value);
              setTexts({});
              setErrors({});
            }}
          >
            {CHANNEL_TYPES.map((t) => (
              <option key={t} value={t}>
                {CHANNEL_FORMS[t]!.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={fieldId('name')}>Name</label>
          <input
            id={fieldId('name')}
            type="text"
            value={name}
            placeholder="On-call webhook"
            aria-invalid={errors.name ? true : undefined}
            onChange={(e) => setName(e.target.value)}
          />
          {error('name')}
        </div>
      </div>
      {fields.map((f) => (
        <ConfigField
          key={`${type}-${f.name}`}
          field={f}
          id={fieldId(`config.${f.name}`)}
          text={texts[f.name] ?? ''}
          isStored={channel !== undefined}
          error={errors[`config.${f.name}`]}
          onChange={(text) => setTexts((prev) => ({ ...prev, [f.name]: text }))}
        />
      ))}
      {error('config')}
      <div className="field field-check">
        <input id={fieldId('enabled')} type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <label htmlFor={fieldId('enabled')}>Turned on</label>
      </div>
      <div className="field field-check">
        <input
          id={fieldId('default')}
          type="checkbox"
          checked={isDefault}
          onChange={(e) => setIsDefault(e.target.checked)}
        />
        <label htmlFor={fieldId('default')}>Preselect for new sites</label>
      </div>
      {sites.length > 0 && (
        <fieldset className={`field ${styles.sites}`}>
          <legend>Tell about these sites</legend>
          {sites.map((s) => (
            <div className="field-check" key={s.id}>
              <input
                id={fieldId(`site-${s.id}`)}
                type="checkbox"
                checked={chosen.has(s.id)}
                onChange={(e) =>
                  setChosen((prev) => {
                    const next = new Set(prev);
                    if (e.target.checked) next.add(s.id);
                    else next.delete(s.id);
                    return next;
                  })
                }
              />
              <label htmlFor={fieldId(`site-${s.id}`)}>{s.name}</label>
            </div>
          ))}
          {error('sites')}
        </fieldset>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Saving…' : channel ? 'Save' : 'Add channel'}
        </button>
      </div>
    </form>
  );
}

function ConfigField({
  field,
  id,
  text,
  isStored,
  error,
  onChange,
}: {
  field: ChannelField;
  id: string;
  text: string;
  isStored: boolean;
  error: string | undefined;
  onChange: (text: string) => void;
}) {
  const described = [field.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described === '' ? undefined : described,
  } as const;
  const label = `${field.label}${field.required ? '' : ' (optional)'}`;
  let input;
  if (field.kind === 'select') {
    input = (
      <select {...common} value={text === '' ? field.options?.[0] : text} onChange={(e) => onChange(e.target.value)}>
        {field.options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'list' || field.kind === 'headers') {
    input = <textarea {...common} className={styles.textarea} rows={3} value={text} onChange={(e) => onChange(e.target.value)} />;
  } else {
    input = (
      <input
        {...common}
        type="text"
        inputMode={field.kind === 'number' ? 'numeric' : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={field.placeholder}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {input}
      {field.hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {field.hint}
        </p>
      )}
      {isStored && field.kind === 'secret' && text === 'set' && (
        <p className="field-hint">Stored and hidden; leave “set” to keep it, or type a new value.</p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
