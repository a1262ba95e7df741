'use client';

import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, describeFailure, type TokenWire } from './api-client';
import { Modal } from './modal';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'never');

type TokenList = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; tokens: TokenWire[] };

/** The API tokens panel: create (the secret is shown once, with a copy button), list, revoke after a confirmation. */
export function ApiTokens() {
  const id = useId();
  const [list, setList] = useState<TokenList>({ kind: 'loading' });
  const [name, setName] = useState('');
  const [createError, setCreateError] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<TokenWire | null>(null);

  const load = useCallback(async () => {
    const result = await api.tokens();
    setList(result.ok ? { kind: 'ready', tokens: result.value.tokens } : { kind: 'failed', message: result.message });
  }, []);
  useEffect(() => {
    // Loaded after mount: it needs the session cookie, which the browser sends.
    let live = true;
    void api.tokens().then((result) => {
      if (!live) return;
      setList(result.ok ? { kind: 'ready', tokens: result.value.tokens } : { kind: 'failed', message: result.message });
    });
    return () => {
      live = false;
    };
  }, []);

  async function create(e: FormEvent) {
    e.preventDefault();
    setCreateError('');
    setBusy(true);
    const result = await api.createToken(name);
    setBusy(false);
    if (!result.ok) {
      setCreateError(`Could not create the token: ${describeFailure(result, { name: 'The name' })}`);
      return;
    }
    setCreated({ name, secret: result.value.secret });
    setName('');
    void load();
  }

  return (
    <section className="panel" aria-labelledby={`${id}-tokens`}>
      <h2 id={`${id}-tokens`}>API tokens</h2>
      <p className="field-hint">
        Send one as <code>Authorization: Bearer &lt;token&gt;</code>. A token is shown once, when it is created.
      </p>
      <form onSubmit={create} className="token-create" noValidate>
        <div className="field">
          <label htmlFor={`${id}-tname`}>Token name</label>
          <input
            id={`${id}-tname`}
            type="text"
            value={name}
            aria-invalid={createError ? true : undefined}
            aria-describedby={createError ? `${id}-tname-error` : undefined}
            onChange={(e) => setName(e.target.value)}
          />
          {createError && (
            <p id={`${id}-tname-error`} className="field-error" role="alert">
              {createError}
            </p>
          )}
        </div>
        <button type="submit" className="btn" disabled={busy}>
          Create token
        </button>
      </form>
      {created && <NewToken name={created.name} secret={created.secret} />}
      {list.kind === 'failed' && (
        <div className="banner banner-error tokens-failed" role="alert">
          <p>Could not load the tokens: {list.message}</p>
          <button type="button" className="btn btn-small" onClick={() => void load()}>
            Try again
          </button>
        </div>
      )}
      {list.kind === 'ready' && list.tokens.length === 0 && <p className="field-hint">No tokens yet.</p>}
      {list.kind === 'ready' && list.tokens.length > 0 && (
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
            {list.tokens.map((t) => (
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
                    <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => setRevoking(t)}>
                      Revoke <span className="visually-hidden">{t.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Modal open={revoking !== null} onClose={() => setRevoking(null)} labelledBy={`${id}-revoke`} className="modal-small">
        {revoking && (
          <ConfirmRevoke
            token={revoking}
            titleId={`${id}-revoke`}
            onCancel={() => setRevoking(null)}
            onRevoked={() => {
              setRevoking(null);
              void load();
            }}
          />
        )}
      </Modal>
    </section>
  );
}

/** The secret, once, with a copy button: the Clipboard API, or where there is none (plain http), the text selected. */
function NewToken({ name, secret }: { name: string; secret: string }) {
  const ref = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<'' | 'copied' | 'selected'>('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('copied');
    } catch {
      // No clipboard outside a secure context (navigator.clipboard is undefined) or permission refused.
      const selection = window.getSelection();
      if (ref.current && selection) selection.selectAllChildren(ref.current);
      setCopied('selected');
    }
  }
  return (
    <div className="banner banner-warning token-new" role="status">
      <p>
        Token <strong>{name}</strong> — copy it now, it will not be shown again:
      </p>
      <div className="token-copy">
        <code className="token-secret" data-testid="new-token" ref={ref}>
          {secret}
        </code>
        <button type="button" className="btn btn-small" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      {copied && (
        <p className="field-hint" aria-live="polite">
          {copied === 'copied' ? 'Copied to the clipboard.' : 'Selected: press Ctrl+C (⌘C on a Mac) to copy it.'}
        </p>
      )}
    </div>
  );
}

function ConfirmRevoke({
  token,
  titleId,
  onCancel,
  onRevoked,
}: {
  token: TokenWire;
  titleId: string;
  onCancel: () => void;
  onRevoked: () => void;
}) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function revoke() {
    setError('');
    setBusy(true);
    const result = await api.revokeToken(token.id);
    setBusy(false);
    // Already revoked (in another tab) is what was asked for.
    if (result.ok || result.status === 404) onRevoked();
    else setError(`Could not revoke the token: ${result.message}`);
  }
  return (
    <div className="confirm">
      <h2 id={titleId} className="modal-title">
        Revoke {token.name}?
      </h2>
      <p>
        Anything that sends this token (starting <strong>{token.prefix}…</strong>) is refused from now on. This cannot
        be undone.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        {/* Cancel first and focused: the safe choice is the default one. */}
        <button type="button" className="btn" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void revoke()} disabled={busy}>
          Revoke token
        </button>
      </div>
    </div>
  );
}
