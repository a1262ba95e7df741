'use client';

import { useState, type ReactNode } from 'react';
import type { ApiResult } from './api-client';

/**
 * The one "are you sure?" of the app: names what goes and what follows, then removes it. The safe choice
 * (Cancel) has the focus; a 404 counts as done (it was already removed, e.g. in another tab).
 */
export function ConfirmRemoval({
  title,
  children,
  action,
  titleId,
  remove,
  onCancel,
  onDone,
  onPending,
}: {
  title: string;
  /** What removing it means, in a sentence or two. */
  children: ReactNode;
  /** The button's words, e.g. "Delete site". */
  action: string;
  titleId: string;
  remove: () => Promise<ApiResult<unknown>>;
  onCancel: () => void;
  onDone: () => void;
  /** True while the removal is on its way, false again if it failed (a page can hold its reloads meanwhile). */
  onPending?: (pending: boolean) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    onPending?.(true);
    const result = await remove();
    setBusy(false);
    if (result.ok || result.status === 404) onDone();
    else {
      onPending?.(false);
      setError(result.message);
    }
  };
  return (
    <div className="confirm">
      <h2 id={titleId} className="modal-title">
        {title}
      </h2>
      <p>{children}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={() => void confirm()} disabled={busy}>
          {action}
        </button>
      </div>
    </div>
  );
}
