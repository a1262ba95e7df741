'use client';

import type { ReactNode } from 'react';
import type { Values } from './values';

/** What every field of the form needs from it: the values, their setter, ids and the messages by field. */
export interface FieldKit {
  values: Values;
  set: <K extends keyof Values>(key: K, value: Values[K]) => void;
  /** A stable id for a field or its hint/error. */
  id: (field: string) => string;
  /** id, name, aria-invalid and aria-describedby for a field's input. */
  props: (field: keyof Values, hint?: boolean) => {
    id: string;
    name: string;
    'aria-invalid': true | undefined;
    'aria-describedby': string | undefined;
  };
  /** The field's message, or null. */
  error: (field: string) => ReactNode;
}

export function Field({
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

/** A text input with its unit after it (seconds, ms). */
export function NumberField({ kit, field, label, unit }: { kit: FieldKit; field: keyof Values; label: string; unit: string }) {
  return (
    <Field label={label} htmlFor={kit.id(field)} error={kit.error(field)}>
      <span className="with-unit">
        <input
          {...kit.props(field, true)}
          type="text"
          inputMode="numeric"
          value={String(kit.values[field])}
          onChange={(e) => kit.set(field, e.target.value as never)}
        />
        <span id={kit.id(`${field}-hint`)} className="unit">
          {unit}
        </span>
      </span>
    </Field>
  );
}

export function CheckField({ kit, field, label }: { kit: FieldKit; field: 'followRedirects' | 'tlsVerify' | 'tcpTls'; label: string }) {
  return (
    <div className="field field-check">
      <input {...kit.props(field)} type="checkbox" checked={kit.values[field]} onChange={(e) => kit.set(field, e.target.checked)} />
      <label htmlFor={kit.id(field)}>{label}</label>
      {kit.error(field)}
    </div>
  );
}
