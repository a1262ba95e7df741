'use client';

import { useEffect, useId, useState, type FormEvent } from 'react';

interface TokenWire {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

async function call(method: string, url: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const payload = res.status === 204 ? null : await res.json().catch(() => null);
  return { res, payload: payload as { error?: { message?: string; fields?: Record<string, string> } } & Record<string, unknown> };
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

/** Password change (ends every session) and API tokens (shown once, stored hashed, revocable). */
export function AccountSettings({ username }: { username: string }) {
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [pwErrors, setPwErrors] = useState<Record<string, string>>({});
  const [pwMessage, setPwMessage] = useState('');

  const [tokens, setTokens] = useState<TokenWire[] | null>(null);
  const [tokenName, setTokenName] = useState('');
  const [tokenError, setTokenError] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  async function loadTokens() {
    const { res, payload } = await call('GET', '/api/tokens');
    if (res.ok) setTokens((payload as unknown as { tokens: TokenWire[] }).tokens);
  }
  useEffect(() => {
    // The list is loaded after mount: it needs the session cookie, which the browser sends.
    let live = true;
    void call('GET', '/api/tokens').then(({ res, payload }) => {
      if (live && res.ok) setTokens((payload as unknown as { tokens: TokenWire[] }).tokens);
    });
    return () => {
      live = false;
    };
  }, []);

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    setPwMessage('');
    const { res, payload } = await call('POST', '/api/auth/password', { currentPassword: current, newPassword: next });
    if (res.ok) {
      window.location.assign('/login');
      return;
    }
    setPwErrors(payload?.error?.fields ?? {});
    setPwMessage(payload?.error?.message ?? `Upbeat answered ${res.status}`);
  }

  async function createToken(e: FormEvent) {
    e.preventDefault();
    setTokenError('');
    const { res, payload } = await call('POST', '/api/tokens', { name: tokenName });
    if (!res.ok) {
      setTokenError(payload?.error?.fields?.name ? `Name ${payload.error.fields.name}` : (payload?.error?.message ?? ''));
      return;
    }
    setCreated({ name: tokenName, secret: String(payload.secret) });
    setTokenName('');
    void loadTokens();
  }

  async function revoke(t: TokenWire) {
    const { res } = await call('DELETE', `/api/tokens/${t.id}`);
    if (res.ok) void loadTokens();
  }

  return (
    <div className="settings-grid">
      <section className="panel" aria-labelledby={`${id}-pw`}>
        <h2 id={`${id}-pw`}>Password</h2>
        <p className="field-hint">
          Signed in as <strong>{username}</strong>. Changing the password signs out every browser, this one too.
        </p>
        <form onSubmit={changePassword} noValidate>
          {pwMessage && (
            <p className="form-error" role="alert">
              {pwMessage}
            </p>
          )}
          <div className="field">
            <label htmlFor={`${id}-current`}>Current password</label>
            <input
              id={`${id}-current`}
              type="password"
              autoComplete="current-password"
              value={current}
              aria-invalid={pwErrors.currentPassword ? true : undefined}
              onChange={(e) => setCurrent(e.target.value)}
            />
            {pwErrors.currentPassword && <p className="field-error">Current password {pwErrors.currentPassword}</p>}
          </div>
          <div className="field">
            <label htmlFor={`${id}-new`}>New password</label>
            <input
              id={`${id}-new`}
              type="password"
              autoComplete="new-password"
              value={next}
              aria-invalid={pwErrors.newPassword ? true : undefined}
              onChange={(e) => setNext(e.target.value)}
            />
            {pwErrors.newPassword && <p className="field-error">New password {pwErrors.newPassword}</p>}
          </div>
          <button type="submit" className="btn btn-primary">
            Change password
          </button>
        </form>
      </section>

      <section className="panel" aria-labelledby={`${id}-tokens`}>
        <h2 id={`${id}-tokens`}>API tokens</h2>
        <p className="field-hint">
          Send one as <code>Authorization: Bearer &lt;token&gt;</code>. A token is shown once, when it is created.
        </p>
        <form onSubmit={createToken} className="token-create" noValidate>
          <div className="field">
            <label htmlFor={`${id}-tname`}>Token name</label>
            <input id={`${id}-tname`} type="text" value={tokenName} onChange={(e) => setTokenName(e.target.value)} />
            {tokenError && <p className="field-error">{tokenError}</p>}
          </div>
          <button type="submit" className="btn">
            Create token
          </button>
        </form>
        {created && (
          <div className="banner banner-warning" role="status">
            <p>
              Token <strong>{created.name}</strong> — copy it now, it will not be shown again:
            </p>
            <code className="token-secret" data-testid="new-token">
              {created.secret}
            </code>
          </div>
        )}
        {tokens && tokens.length === 0 && <p className="field-hint">No tokens yet.</p>}
        {tokens && tokens.length > 0 && (
          <table className="tokens-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{when(t.lastUsedAt)}</td>
                  <td>
                    {t.revokedAt ? (
                      'revoked'
                    ) : (
                      <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => void revoke(t)}>
                        Revoke {t.name}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
