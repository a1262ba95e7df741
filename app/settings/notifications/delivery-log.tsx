'use client';

import useSWRInfinite from 'swr/infinite';
import { fetchJson, type ApiAttempt } from './channels-api';
import styles from './notifications.module.css';

interface Page {
  deliveries: ApiAttempt[];
  next: number | null;
}

const PAGE = 20;

/** What each message is, in a word or two (the Incidents page names them the same). */
export const KIND_LABELS: Record<string, string> = {
  down: 'Down',
  up: 'Back up',
  degraded: 'Slow',
  undegraded: 'Fast again',
  reminder: 'Still down',
  'cert-expiry': 'Certificate',
  storm: 'Many sites',
  network: 'Monitor network',
  test: 'Test',
};

/** A channel's delivery attempts, newest first, a page at a time. */
export function DeliveryLog({ channelId }: { channelId: number }) {
  const { data, error, size, setSize, isValidating } = useSWRInfinite<Page>(
    (index, previous: Page | null) => {
      if (previous && previous.next === null) return null;
      const before = previous?.next ? `&before=${previous.next}` : '';
      return `/api/channels/${channelId}/deliveries?limit=${PAGE}${before}`;
    },
    fetchJson,
    { refreshInterval: 5_000 },
  );
  if (error) return <p className="field-error">Could not load the attempts.</p>;
  if (!data) return <p className={styles.muted}>Loading…</p>;
  const attempts = data.flatMap((p) => p.deliveries);
  if (attempts.length === 0) return <p className={styles.muted}>No attempts yet.</p>;
  const hasMore = data.at(-1)?.next !== null;
  return (
    <div className={styles.log}>
      <table className={styles.logTable} aria-label="Delivery attempts">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Message</th>
            <th scope="col">Outcome</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.id} data-outcome={a.outcome}>
              <td>
                <time dateTime={a.at}>{new Date(a.at).toLocaleString()}</time>
              </td>
              <td>
                {KIND_LABELS[a.kind ?? ''] ?? a.kind}
                {a.site ? ` · ${a.site.name}` : ''}
              </td>
              <td className={styles[`outcome_${a.outcome}`]}>{a.outcome}</td>
              <td className={styles.detail}>
                {[a.statusCode !== null ? `HTTP ${a.statusCode}` : null, a.error, `${Math.round(a.durationMs)} ms`]
                  .filter(Boolean)
                  .join(' · ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {hasMore && (
        <button type="button" className="btn btn-small" disabled={isValidating} onClick={() => void setSize(size + 1)}>
          Older attempts
        </button>
      )}
    </div>
  );
}
