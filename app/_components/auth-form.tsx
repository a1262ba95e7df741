'use client';

import { useId, useState, type FormEvent } from 'react';
import { passwordSchema } from '@/lib/auth/rules';
import { api, describeFailure } from './api-client';

interface Props {
  mode: 'setup' | 'login';
  /** Where to go after success: a path on this site. */
  next: string;
  /** Setup only: the one-time code from the start log (`/setup?code=…`), needed from another machine. */
  setupCode?: string;
}

type Errors = Partial<Record<'username' | 'password' | 'confirm', string>>;

/** The owner's first-run account form and the login form: the same fields, different endpoints. */
export function AuthForm({ mode, next, setupCode }: Props) {
  const id = useId();
  const [username, setUsername] = useState(mode === 'setup' ? 'admin' : '');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError('');
    if (mode === 'setup') {
      // Both rules at once, before a round trip: the length rule is the server's own (lib/auth/rules.ts).
      const local: Errors = {};
      const rule = passwordSchema.safeParse(password);
      if (!rule.success) local.password = rule.error.issues[0]?.message ?? 'is not valid';
      if (password !== confirm) local.confirm = 'does not match the password';
      if (Object.keys(local).length > 0) {
        setErrors(local);
        return;
      }
    }
    setErrors({});
    setBusy(true);
    const body = mode === 'setup' && setupCode ? { username, password, code: setupCode } : { username, password };
    const result = mode === 'setup' ? await api.setup(body) : await api.login(body);
    setBusy(false);
    if (result.ok) {
      // A full navigation, so every server page renders with the new session.
      window.location.assign(next);
      return;
    }
    const fields: Errors = {};
    for (const name of ['username', 'password'] as const) if (result.fields[name]) fields[name] = result.fields[name];
    setErrors(fields);
    // Field problems show under their fields; the alert says only what belongs to no field.
    const shown = Object.keys(fields).length;
    if (shown < Object.keys(result.fields).length || shown === 0) {
      setFormError(describeFailure(result, { username: 'User name', password: 'Password' }));
    }
  }

  const field = (name: 'username' | 'password' | 'confirm', label: string, props: Record<string, unknown>) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        name={name}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `${id}-${name}-error` : undefined}
        {...props}
      />
      {errors[name] && (
        <p id={`${id}-${name}-error`} className="field-error">
          {label} {errors[name]}
        </p>
      )}
    </div>
  );

  return (
    <form className="auth-form" onSubmit={submit} noValidate>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      {field('username', 'User name', {
        type: 'text',
        autoComplete: 'username',
        value: username,
        required: true,
        onChange: (e: { target: { value: string } }) => setUsername(e.target.value),
      })}
      {field('password', 'Password', {
        type: 'password',
        autoComplete: mode === 'setup' ? 'new-password' : 'current-password',
        value: password,
        required: true,
        onChange: (e: { target: { value: string } }) => setPassword(e.target.value),
      })}
      {mode === 'setup' &&
        field('confirm', 'Confirm password', {
          type: 'password',
          autoComplete: 'new-password',
          value: confirm,
          required: true,
          onChange: (e: { target: { value: string } }) => setConfirm(e.target.value),
        })}
      {mode === 'setup' && <p className="field-hint">At least 10 characters. There is no default password.</p>}
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {mode === 'setup' ? 'Create account' : 'Log in'}
      </button>
    </form>
  );
}
