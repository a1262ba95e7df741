'use client';

import { useState } from 'react';
import { statusPagesApi, type StatusPageWire } from './status-pages-api';

/**
 * Asks before a status page goes, then deletes it with its posts. The public address stops answering at once,
 * so the question names it. Cancel, the safe choice, has the focus.
 */
export function ConfirmDeletePage({
  page,
  titleId,
  onCancel,
  onDeleted,
}: {
  page: StatusPageWire;
  titleId: string;
  onCancel: () => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    const result = await statusPagesApi.remove(page.id);
    setBusy(false);
    // Already gone (deleted in another tab) is what was asked for.
    if (result.ok || result.status === 404) onDeleted();
    else setError(result.message);
  };
  return (
    <div className="confirm">
      <h2 id={titleId} className="modal-title">
        Delete {page.title}?
      </h2>
      <p>
        <strong>/status/{page.slug}</strong> stops answering, and its incident posts and maintenance notices are
        deleted. The sites and their history stay. This cannot be undone.
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
        <button type="button" className="btn btn-danger" onClick={() => void confirm()} disabled={busy}>
          Delete page
        </button>
      </div>
    </div>
  );
}
