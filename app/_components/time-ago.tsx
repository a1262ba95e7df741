'use client';

import { use, useSyncExternalStore } from 'react';
import { readNow, RenderTimeContext, subscribeToClock, useIsClient } from './clock';
import { formatAgo, formatLocalTime } from './format';

/**
 * "12 s ago", ticking; the exact time, in the viewer's time zone, on hover. The store's snapshot is the text
 * itself, so a row re-renders only when what it says changes.
 */
export function TimeAgo({ iso }: { iso: string | null }) {
  const renderedAt = use(RenderTimeContext);
  const at = iso === null ? 0 : Date.parse(iso);
  const text = useSyncExternalStore(
    subscribeToClock,
    () => (iso === null ? 'never' : formatAgo(readNow() - at)),
    () => (iso === null ? 'never' : formatAgo(renderedAt - at)),
  );
  const isClient = useIsClient();
  if (iso === null) return <span>{text}</span>;
  return (
    <time dateTime={iso} title={isClient ? formatLocalTime(at) : undefined}>
      {text}
    </time>
  );
}
