'use client';

import { api } from './api-client';
import { ConfirmRemoval } from './confirm-removal';

/** Asks before a site and its history are deleted, then deletes it. The overview and the site page both use it. */
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
  onPending?: (pending: boolean) => void;
}) {
  return (
    <ConfirmRemoval
      title={`Delete ${site.name}?`}
      action="Delete site"
      titleId={titleId}
      remove={() => api.deleteSite(site.id)}
      onCancel={onCancel}
      onDone={onDeleted}
      {...(onPending ? { onPending } : {})}
    >
      Upbeat stops checking <strong>{site.url}</strong> and forgets its history. This cannot be undone.
    </ConfirmRemoval>
  );
}
