'use client';

import { useState } from 'react';
import { api } from './api-client';

/**
 * Asks before a site and its history are deleted, then deletes it. The safe choice (Cancel) is the focused one.
 * The overview and the site page both use it.
 */
export function ConfirmDelete({
  site,
  titleId,
  onCancel,
  onDeleted,
  onPending,
}: {
  site: { id: number; name: string; url: string };
  titleId: string;
  onCancel: () => void;
  onDeleted: () => void;
  /** True while the delete is on its way, false again if it failed (a page can hold its reloads meanwhile). */
  onPending?: (pending: boolean) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    onPending?.(true);
    const result = await api.deleteSite(site.id);
    setBusy(false);
    // Already gone (deleted in another tab) is what was asked for.
    if (result.ok || result.status === 404) onDeleted();
    else {
      onPending?.(false);
      setError(result.message);
    }
  };
  return (
    <div className="confirm">
      <h2 id={titleId} className="modal-title">
        Delete {site.name}?
      </h2>
      <p>
        Upbeat stops checking <strong>{site.url}</strong> and forgets its history. This cannot be undone.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={confirm} disabled={busy}>
          Delete site
        </button>
      </div>
    </div>
  );
}
