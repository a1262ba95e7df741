'use client';

import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import useSWR from 'swr';
import type { ApiSite } from '@/lib/api/present';
import { ALERT_SETTING_DEFAULTS } from '@/db/domain';
import { CHANNELS_KEY, fetchJson, type ApiChannel } from '@/app/settings/notifications/channels-api';
import styles from './site-form/site-form.module.css';

/**
 * The site form's Alerts section: when a site counts as down, up again and slow, how often to remind, and which
 * channels hear about it. The form owns the values (this file says how they read and what the API takes).
 */

export type AlertSite = Pick<
  ApiSite,
  'confirmAfter' | 'recoverAfter' | 'retryIntervalSeconds' | 'degradedAboveMs' | 'remindEveryMinutes' | 'channels'
>;

export interface AlertValues {
  confirmAfter: string;
  recoverAfter: string;
  retryIntervalSeconds: string;
  /** Empty: off. */
  degradedAboveMs: string;
  /** Empty: off. */
  remindEveryMinutes: string;
  /** Null until the person changes the ticks: a new site then gets the default channels, an edit keeps its own. */
  channels: number[] | null;
}

export const ALERT_FIELD_LABELS = {
  confirmAfter: 'Down after',
  recoverAfter: 'Up again after',
  retryIntervalSeconds: 'Re-check a failure after',
  degradedAboveMs: 'Slow above',
  remindEveryMinutes: 'Remind every',
  channels: 'Channels',
} as const;
export type AlertField = keyof typeof ALERT_FIELD_LABELS;
const ALERT_FIELDS = Object.keys(ALERT_FIELD_LABELS) as AlertField[];

const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function initialAlertValues(site: Partial<AlertSite> | undefined): AlertValues {
  return {
    confirmAfter: text(site?.confirmAfter ?? ALERT_SETTING_DEFAULTS.confirmAfter),
    recoverAfter: text(site?.recoverAfter ?? ALERT_SETTING_DEFAULTS.recoverAfter),
    retryIntervalSeconds: text(site?.retryIntervalSeconds ?? ALERT_SETTING_DEFAULTS.retryIntervalSeconds),
    degradedAboveMs: text(site?.degradedAboveMs),
    remindEveryMinutes: text(site?.remindEveryMinutes),
    channels: null,
  };
}

/** A number when the text is one; otherwise the text itself, so the schema names the problem. */
function numberOrText(value: string): number | string | undefined {
  const t = value.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The alert fields of the API body. An emptied optional threshold is sent as null: that turns it off. */
export function alertBody(v: AlertValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of ['confirmAfter', 'recoverAfter', 'retryIntervalSeconds'] as const) {
    const value = numberOrText(v[key]);
    if (value !== undefined) body[key] = value;
  }
  body.degradedAboveMs = numberOrText(v.degradedAboveMs) ?? null;
  body.remindEveryMinutes = numberOrText(v.remindEveryMinutes) ?? null;
  if (v.channels !== null) body.channels = v.channels;
  return body;
}

export function isAlertField(field: string): field is AlertField {
  return (ALERT_FIELDS as string[]).includes(field);
}

export function AlertFields({
  idPrefix,
  values,
  onChange,
  errors,
  siteChannels,
}: {
  idPrefix: string;
  values: AlertValues;
  onChange: <K extends keyof AlertValues>(key: K, value: AlertValues[K]) => void;
  /** Messages by field, as the form holds them (the API's names). */
  errors: Record<string, string>;
  /** The edited site's channels; undefined for a new site (it starts with the channels marked default). */
  siteChannels: readonly number[] | undefined;
}) {
  const id = (field: string) => `${idPrefix}-${field}`;
  const hasError = ALERT_FIELDS.some((f) => errors[f] !== undefined);
  const [userOpen, setUserOpen] = useState(false);
  const channels = useSWR<{ channels: ApiChannel[] }>(CHANNELS_KEY, fetchJson, { revalidateOnFocus: false });
  const list = channels.data?.channels ?? [];
  const ticked = new Set(
    values.channels ?? siteChannels ?? list.filter((c) => c.isDefault).map((c) => c.id),
  );

  const error = (field: AlertField) =>
    errors[field] ? (
      <p id={id(`${field}-error`)} className="field-error">
        {ALERT_FIELD_LABELS[field]} {errors[field]}
      </p>
    ) : null;
  const inputProps = (field: Exclude<AlertField, 'channels'>) => ({
    id: id(field),
    name: field,
    type: 'text',
    inputMode: 'numeric' as const,
    value: values[field],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => onChange(field, e.target.value),
    'aria-invalid': errors[field] ? true : undefined,
    'aria-describedby': [id(`${field}-unit`), errors[field] ? id(`${field}-error`) : ''].filter(Boolean).join(' '),
  });
  const number = (field: Exclude<AlertField, 'channels'>, unit: string, placeholder?: string) => (
    <Field label={ALERT_FIELD_LABELS[field]} htmlFor={id(field)} error={error(field)}>
      <span className="with-unit">
        <input {...inputProps(field)} placeholder={placeholder} />
        <span id={id(`${field}-unit`)} className="unit">
          {unit}
        </span>
      </span>
    </Field>
  );

  const toggle = (channelId: number, on: boolean) => {
    const next = new Set(ticked);
    if (on) next.add(channelId);
    else next.delete(channelId);
    onChange('channels', [...next].sort((a, b) => a - b));
  };

  return (
    <details
      className="advanced"
      open={userOpen || hasError}
      onToggle={(e) => setUserOpen(e.currentTarget.open)}
      data-testid="alert-fields"
    >
      <summary>
        Alerts
        {list.length > 0 && ` (${ticked.size} ${ticked.size === 1 ? 'channel' : 'channels'})`}
      </summary>
      <div className="advanced-body">
        <div className="field-pair">
          {number('confirmAfter', 'failures')}
          {number('recoverAfter', 'passes')}
        </div>
        <div className="field-pair">
          {number('retryIntervalSeconds', 'seconds')}
          {number('remindEveryMinutes', 'minutes', 'off')}
        </div>
        {number('degradedAboveMs', 'ms', 'off')}
        <p className="field-hint">
          Failures and passes count in a row. After a first failure the site is checked again after the re-check
          time, so it is confirmed down in seconds whatever its interval. Slow: the 95th percentile of the last 5
          checks is above the threshold. Empty is off.
        </p>
        <fieldset className={styles.channels} aria-describedby={errors.channels ? id('channels-error') : undefined}>
          <legend>{ALERT_FIELD_LABELS.channels}</legend>
          {channels.error ? (
            <p className="field-hint">Could not load the channels; the site keeps the ones it has.</p>
          ) : !channels.data ? (
            <p className="field-hint">Loading…</p>
          ) : list.length === 0 ? (
            <p className="field-hint" data-testid="no-channels">
              No channels yet: <Link href="/settings/notifications">add one in Settings → Notifications</Link> to be
              told when this site goes down.
            </p>
          ) : (
            list.map((c) => (
              <div key={c.id} className="field field-check">
                <input
                  id={id(`channel-${c.id}`)}
                  name="channels"
                  type="checkbox"
                  checked={ticked.has(c.id)}
                  onChange={(e) => toggle(c.id, e.target.checked)}
                />
                <label htmlFor={id(`channel-${c.id}`)}>
                  {c.name} <span className={styles.channelType}>{c.typeLabel}</span>
                </label>
              </div>
            ))
          )}
          {error('channels')}
        </fieldset>
      </div>
    </details>
  );
}

function Field({ label, htmlFor, error, children }: { label: string; htmlFor: string; error: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {error}
    </div>
  );
}
