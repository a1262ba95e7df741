'use client';

import type { ReactNode } from 'react';
import { useLiveStatus } from './live-events';
import styles from './overview.module.css';
import { SORT_KEYS, sortOptionLabel, type OverviewView, type SortDir, type SortKey } from './overview-view';

/** The overview's smaller pieces: the toolbar (search, sort menu, add), the empty page and the live notice. */

export function OverviewToolbar({
  query,
  onQuery,
  view,
  onView,
  addButton,
}: {
  query: string;
  onQuery: (query: string) => void;
  view: OverviewView;
  onView: (view: OverviewView) => void;
  addButton: ReactNode;
}) {
  return (
    <div className="toolbar">
      <div className="search">
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="7" cy="7" r="5" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path d="M11 11l3.5 3.5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
        <input
          type="search"
          aria-label="Search sites by name, URL or kind"
          placeholder="Search name, URL or kind"
          value={query}
          onChange={(e) => onQuery(e.target.value)}
        />
      </div>
      <label className={styles.sortSelect}>
        <span className="visually-hidden">Sort by</span>
        <select
          value={`${view.sort}:${view.dir}`}
          onChange={(e) => {
            const [sort, dir] = e.target.value.split(':') as [SortKey, SortDir];
            onView({ ...view, sort, dir });
          }}
        >
          {SORT_KEYS.flatMap((key) =>
            (['asc', 'desc'] as const).map((dir) => (
              <option key={`${key}:${dir}`} value={`${key}:${dir}`}>
                {sortOptionLabel(key, dir)}
              </option>
            )),
          )}
        </select>
      </label>
      {addButton}
    </div>
  );
}

export function EmptyOverview({ canWrite, addButton }: { canWrite: boolean; addButton: ReactNode }) {
  return (
    <section className="empty-state" aria-labelledby="empty-title">
      <svg width="56" height="56" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--surface-2)" />
        <path
          d="M5 17h6l3-7 4 13 3-6h6"
          fill="none"
          stroke="var(--accent)"
          strokeWidth="2.2"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <h2 id="empty-title">Nothing watched yet</h2>
      <p>
        {canWrite
          ? 'Add the first site and Upbeat checks it right away, then on its interval, and shows here the moment it goes down.'
          : 'The owner has not added any site yet.'}
      </p>
      {addButton}
    </section>
  );
}

/** When the stream drops, say so: the list may be out of date until it reconnects (which it does by itself). */
export function LiveNotice() {
  const status = useLiveStatus();
  if (status !== 'reconnecting') return null;
  return (
    <p className="banner banner-warning" role="status">
      Live updates interrupted. Reconnecting…
    </p>
  );
}
