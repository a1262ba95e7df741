'use client';

import { useId, useState } from 'react';
import type { ApiIncident, ApiIncidentList } from '@/lib/api/present-incident';
import { api } from '@/app/_components/api-client';
import { formatDuration } from '@/lib/alerts/duration';
import { RenderTimeContext } from '@/app/_components/clock';
import { IncidentItem } from '@/app/_components/incident-item';
import listStyles from '@/app/_components/incidents.module.css';
import { useIncidents } from '@/app/_components/use-incidents';
import {
  RANGE_FILTERS,
  RANGE_LABELS,
  apiUrl,
  filtersToSearch,
  type IncidentFilters,
  type StatusFilter,
} from './incident-filters';
import styles from './incidents-page.module.css';

const STATUS_LABELS: Record<StatusFilter, string> = { all: 'All', open: 'Open', resolved: 'Resolved' };

/** Older pages fetched with "Show older", for the filters they were fetched under (`search`). */
interface OlderPages {
  search: string;
  items: ApiIncident[];
  next: string | null;
  loading: boolean;
  error: string | null;
}

export interface IncidentsViewProps {
  /** Null when the address bar's filters were refused (see initialFields). */
  initial: ApiIncidentList | null;
  initialFields: Record<string, string>;
  initialFilters: IncidentFilters;
  renderedAt: number;
  sites: Array<{ id: number; name: string }>;
}

/** The Incidents page's live part: the 30-day figures, the filters (kept in the address bar) and the list. */
export function IncidentsView({ initial, initialFields, initialFilters, renderedAt, sites }: IncidentsViewProps) {
  const uid = useId();
  const [filters, setFilters] = useState(initialFilters);
  const search = filtersToSearch(filters);
  const { data, error } = useIncidents({
    key: `incidents${search}`,
    url: () => apiUrl(filters, Date.now()),
    // Only the filters the server rendered have data to start with; a custom range is read in the viewer's
    // time zone, which the server does not know, so it is loaded again here.
    fallback: search === filtersToSearch(initialFilters) && initial && filters.range !== 'custom' ? initial : undefined,
  });
  const fields = error ? error.failure.fields : search === filtersToSearch(initialFilters) ? initialFields : {};

  const change = (patch: Partial<IncidentFilters>) => {
    const next = { ...filters, ...patch };
    setFilters(next);
    const url = new URL(window.location.href);
    url.search = filtersToSearch(next);
    window.history.replaceState(window.history.state, '', url);
  };

  const siteName = filters.siteId === null ? null : (sites.find((s) => s.id === filters.siteId)?.name ?? `site ${filters.siteId}`);
  const summary = data?.last30Days;
  // The newest page stays live (reloaded on every event); older pages are read once each, on request, and are
  // dropped when the filters change.
  const [older, setOlder] = useState<OlderPages | null>(null);
  const olderHere = older?.search === search ? older : null;
  const newest = data?.incidents ?? [];
  const seen = new Set(newest.map((i) => i.id));
  const incidents = [...newest, ...(olderHere?.items ?? []).filter((i) => !seen.has(i.id))];
  const nextCursor = olderHere && olderHere.items.length > 0 ? olderHere.next : (data?.next ?? null);
  const showOlder = async () => {
    if (!nextCursor || olderHere?.loading) return;
    const items = olderHere?.items ?? [];
    setOlder({ search, items, next: nextCursor, loading: true, error: null });
    const result = await api.incidents(`${apiUrl(filters, Date.now())}&before=${encodeURIComponent(nextCursor)}`);
    setOlder((o) =>
      o?.search !== search
        ? o
        : result.ok
          ? { search, items: [...items, ...result.value.incidents], next: result.value.next, loading: false, error: null }
          : { ...o, loading: false, error: result.message },
    );
  };

  return (
    <RenderTimeContext value={renderedAt}>
      <div className={styles.head}>
        <h1 className={styles.title}>Incidents</h1>
        <dl className={styles.figures} aria-label={`Last 30 days${siteName ? ` of ${siteName}` : ''}`}>
          <div data-testid="incidents-count">
            <dt>Incidents, 30 d</dt>
            <dd>{summary ? summary.count : '—'}</dd>
          </div>
          <div data-testid="incidents-mttr">
            <dt>Mean time to resolve, 30 d</dt>
            <dd>{summary?.mttrMs == null ? '—' : formatDuration(summary.mttrMs)}</dd>
          </div>
        </dl>
      </div>

      <form className={styles.filters} aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <div className={styles.group} role="group" aria-label="Status">
          {(['all', 'open', 'resolved'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={styles.chip}
              aria-pressed={filters.status === s}
              onClick={() => change({ status: s })}
            >
              {STATUS_LABELS[s]}
            </button>
          ))}
        </div>
        <div className={styles.select}>
          <label htmlFor={`${uid}-site`}>Site</label>
          <select
            id={`${uid}-site`}
            value={filters.siteId ?? ''}
            onChange={(e) => change({ siteId: e.target.value === '' ? null : Number(e.target.value) })}
          >
            <option value="">All sites</option>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.group} role="group" aria-label="Time range">
          {RANGE_FILTERS.map((r) => (
            <button
              key={r}
              type="button"
              className={styles.chip}
              aria-pressed={filters.range === r}
              onClick={() => change({ range: r })}
            >
              {RANGE_LABELS[r]}
            </button>
          ))}
        </div>
        {filters.range === 'custom' && (
          <div className={styles.dates}>
            <label htmlFor={`${uid}-from`}>From</label>
            <input
              id={`${uid}-from`}
              type="date"
              value={filters.from}
              aria-invalid={fields.from ? true : undefined}
              onChange={(e) => change({ from: e.target.value })}
            />
            <label htmlFor={`${uid}-to`}>to</label>
            <input
              id={`${uid}-to`}
              type="date"
              value={filters.to}
              aria-invalid={fields.to ? true : undefined}
              onChange={(e) => change({ to: e.target.value })}
            />
          </div>
        )}
        {Object.keys(fields).length > 0 && (
          <p className="field-error" role="alert">
            {Object.entries(fields)
              .map(([field, message]) => `${field === 'to' ? 'To' : field === 'from' ? 'From' : field} ${message}.`)
              .join(' ')}
          </p>
        )}
      </form>

      {error && Object.keys(fields).length === 0 && (
        <p className={styles.notice} role="status">
          Could not refresh ({error.message}); showing the last incidents received.
        </p>
      )}

      {data && incidents.length === 0 ? (
        <div className="empty-state" data-testid="incidents-empty">
          <h2>No incidents</h2>
          <p>
            {filters.status === 'open'
              ? 'Nothing is down or slow right now.'
              : `No site${siteName ? ` matching ${siteName}` : ''} was down or slow in this range.`}{' '}
            An incident starts when a site’s failures are confirmed, and shows here as it happens.
          </p>
        </div>
      ) : (
        <ol className={listStyles.list} aria-label="Incidents" aria-busy={!data || undefined}>
          {incidents.map((i) => (
            <IncidentItem key={i.id} incident={i} showSite />
          ))}
        </ol>
      )}
      {nextCursor && (
        <p className={styles.more}>
          <button type="button" onClick={() => void showOlder()} disabled={olderHere?.loading} aria-busy={olderHere?.loading || undefined}>
            {olderHere?.loading ? 'Loading older incidents…' : 'Show older incidents'}
          </button>
          {olderHere?.error && (
            <span role="alert"> Could not load older incidents: {olderHere.error}</span>
          )}
        </p>
      )}
    </RenderTimeContext>
  );
}
