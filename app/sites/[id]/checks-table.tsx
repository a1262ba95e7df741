'use client';

import type { ApiCheck } from '@/lib/api/present';
import { formatLatency } from '@/app/_components/format';
import styles from './site.module.css';

export interface ChecksTableProps {
  /** Pages of checks, newest first, as `GET /api/sites/{id}/checks` returns them. */
  pages: readonly { checks: ApiCheck[] }[];
  pageSize: number;
  isLoading: boolean;
  error: Error | undefined;
  onLoadMore: () => void;
  formatTime: (iso: string) => string;
}

/**
 * The check log, newest first, with "load older" paging. Everything a server said (status, error message) is
 * rendered as text, never as markup.
 */
export function ChecksTable({ pages, pageSize, isLoading, error, onLoadMore, formatTime }: ChecksTableProps) {
  const rows = pages.flatMap((p) => p.checks);
  const last = pages[pages.length - 1];
  const hasOlder = last !== undefined && last.checks.length >= pageSize;
  if (rows.length === 0) return <p className={styles.muted}>No checks yet.</p>;
  return (
    <>
      <div className={styles.tableWrap}>
        <table className={styles.table} data-testid="checks-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Result</th>
              <th scope="col" className={styles.num}>
                Status
              </th>
              <th scope="col" className={styles.num}>
                Latency
              </th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c, i) => (
              <tr key={`${c.checkedAt}-${i}`} data-ok={c.ok}>
                <td className={styles.time}>
                  <time dateTime={c.checkedAt}>{formatTime(c.checkedAt)}</time>
                </td>
                <td>
                  <span className={c.ok ? styles.resultUp : styles.resultDown}>{c.ok ? 'up' : 'down'}</span>
                </td>
                <td className={styles.num} data-col="status">
                  {c.statusCode ?? '—'}
                </td>
                <td className={styles.num}>{formatLatency(c.latencyMs)}</td>
                <td className={styles.error} data-col="error">
                  {c.error && (
                    <>
                      <span className={styles.kind}>{c.error.kind}</span> {c.error.message}
                    </>
                  )}
                  {/* What a passed check saw beyond its status (a DNS answer); a failed one says it in its message. */}
                  {!c.error && c.detail && <span className={styles.muted}>{c.detail}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className={styles.more}>
        {error && <p role="status">Could not load older checks ({error.message}).</p>}
        {hasOlder ? (
          <button type="button" onClick={onLoadMore} disabled={isLoading} className={styles.button}>
            {isLoading ? 'Loading…' : 'Load older checks'}
          </button>
        ) : (
          <p className={styles.muted}>That is every check kept for this site.</p>
        )}
      </div>
    </>
  );
}
