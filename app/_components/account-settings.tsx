'use client';

import { useId, useState, type FormEvent } from 'react';
import { passwordSchema } from '@/lib/auth/rules';
import { api, describeFailure } from './api-client';
import { ApiTokens } from './api-tokens';

type PasswordField = 'currentPassword' | 'newPassword' | 'confirm';
const LABELS: Record<PasswordField, string> = {
  currentPassword: 'Current password',
  newPassword: 'New password',
  confirm: 'Confirm new password',
};

/** Password change (ends every session) and API tokens (shown once, stored hashed, revocable). */
export function AccountSettings({ username }: { username: string }) {
  return (
    <div className="settings-grid">
      <PasswordPanel username={username} />
      <ApiTokens />
    </div>
  );
}

function PasswordPanel({ username }: { username: string }) {
  const id = useId();
  const [values, setValues] = useState<Record<PasswordField, string>>({ currentPassword: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<PasswordField, string>>>({});
  const [formError, setFormError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError('');
    // The rules the server applies, before a round trip (the length rule is lib/auth/rules.ts, shared).
    const local: Partial<Record<PasswordField, string>> = {};
    if (values.currentPassword === '') local.currentPassword = 'is required';
    const rule = passwordSchema.safeParse(values.newPassword);
    if (!rule.success) local.newPassword = rule.error.issues[0]?.message ?? 'is not valid';
    if (values.confirm !== values.newPassword) local.confirm = 'does not match the new password';
    setErrors(local);
    if (Object.keys(local).length > 0) return;

    setBusy(true);
    const result = await api.changePassword({ currentPassword: values.currentPassword, newPassword: values.newPassword });
    setBusy(false);
    if (result.ok) {
      // Every session ended, this one too: the login page says so.
      window.location.assign('/login?notice=password-changed');
      return;
    }
    const fields: Partial<Record<PasswordField, string>> = {};
    if (result.fields.currentPassword) fields.currentPassword = result.fields.currentPassword;
    if (result.fields.newPassword) fields.newPassword = result.fields.newPassword;
    setErrors(fields);
    // Field problems show under their fields; the alert says only what belongs to no field.
    const shown = Object.keys(fields).length;
    if (shown === 0 || shown < Object.keys(result.fields).length) setFormError(describeFailure(result, LABELS));
  }

  const field = (name: PasswordField, autoComplete: string) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{LABELS[name]}</label>
      <input
        id={`${id}-${name}`}
        type="password"
        autoComplete={autoComplete}
        value={values[name]}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `${id}-${name}-error` : undefined}
        onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
      />
      {errors[name] && (
        <p id={`${id}-${name}-error`} className="field-error">
          {LABELS[name]} {errors[name]}
        </p>
      )}
    </div>
  );

  return (
    <section className="panel" aria-labelledby={`${id}-pw`}>
      <h2 id={`${id}-pw`}>Password</h2>
      <p className="field-hint">
        Signed in as <strong>{username}</strong>. Changing the password signs out every browser, this one too.
      </p>
      <form onSubmit={submit} noValidate>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        {field('currentPassword', 'current-password')}
        {field('newPassword', 'new-password')}
        {field('confirm', 'new-password')}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Change password
        </button>
      </form>
    </section>
  );
}
