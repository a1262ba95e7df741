'use client';

import { ConfirmRemoval } from '../confirm-removal';
import { statusPagesApi, type StatusPageWire } from './status-pages-api';

/** Asks before a status page goes with its posts; the public address stops answering at once, so it is named. */
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
  return (
    <ConfirmRemoval
      title={`Delete ${page.title}?`}
      action="Delete page"
      titleId={titleId}
      remove={() => statusPagesApi.remove(page.id)}
      onCancel={onCancel}
      onDone={onDeleted}
    >
      <strong>/status/{page.slug}</strong> stops answering, and its incident posts and maintenance notices are
      deleted. The sites and their history stay. This cannot be undone.
    </ConfirmRemoval>
  );
}
