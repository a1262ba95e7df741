import { memo } from 'react';
import { describeFailure, formatLatency, formatPercent } from './format';
import styles from './overview.module.css';
import { ManagedNote } from './managed-note';
import { KIND_LABELS, targetText } from './overview-target';
import type { OverviewSiteWire } from './overview-types';
import { Sparkline } from './sparkline';
import { StateBadge } from './state-badge';
import { TimeAgo } from './time-ago';

export type RowAction = 'check' | 'pause' | 'resume' | 'edit' | 'delete';

function statusText(site: OverviewSiteWire): string {
  const last = site.lastCheck;
  if (!last) return '—';
  if (last.statusCode !== null) return String(last.statusCode);
  return last.error?.kind ?? '—';
}

/**
 * One site: state, name, kind and target (host and path, tcp://host:port, name and record type, heartbeat), why
 * it is down in words, newest result, last hour, 24 h uptime, when, and what can be done. Plain
 * markup with no handlers of its own: the table listens once for every row (`data-action` on the buttons),
 * which keeps a thousand rows cheap to render and to hydrate. The roles are explicit because the stylesheet
 * lays rows out as grids, and some browsers drop a table's semantics when its display changes.
 */
export const SiteRow = memo(function SiteRow({
  site,
  rowIndex,
  top,
  windowEnd,
  checking,
  canWrite,
}: {
  site: OverviewSiteWire;
  /** Place in the whole table, header row 1 (the table renders only the rows on screen). */
  rowIndex: number;
  /** Set for a row kept outside the rendered window (it holds the focus): its place in the body, in px. */
  top?: number;
  windowEnd: number;
  /** A "check now" is waiting for its result. */
  checking: boolean;
  /** False for a public read-only visitor: no buttons that could only answer 401. */
  canWrite: boolean;
}) {
  const last = site.lastCheck;
  // Shown as text, not only in a tooltip: touch screens have no hover. A paused site's old failure is history.
  const problem = last && !site.paused ? describeFailure(last) : null;
  const hidden = <span className="visually-hidden"> {site.name}</span>;
  return (
    <tr
      role="row"
      aria-rowindex={rowIndex}
      className="site-row"
      data-state={site.state}
      data-site-id={site.id}
      style={top === undefined ? undefined : { position: 'absolute', top, left: 0, right: 0 }}
    >
      <td role="cell" className="cell-state">
        <StateBadge state={site.state} />
      </td>
      <th role="rowheader" scope="row" className="cell-name">
        <a href={`/sites/${site.id}`} className="site-name" data-nav="">
          {site.name}
        </a>
        <span className={styles.target}>
          <span className={styles.kind} data-kind={site.kind} data-testid="site-kind">
            {KIND_LABELS[site.kind]}
          </span>{' '}
          <span className="site-host" title={site.kind === 'push' ? undefined : site.url}>
            {targetText(site)}
          </span>
        </span>
        {problem && (
          <span className="site-problem" title={problem} data-testid="site-problem">
            {problem}
          </span>
        )}
      </th>
      <td role="cell" className="cell-status" data-label="Status">
        <span className={last && !last.ok ? 'text-down' : undefined}>{statusText(site)}</span>
      </td>
      <td role="cell" className="cell-latency" data-label="Latency">
        {formatLatency(last?.latencyMs)}
      </td>
      <td role="cell" className="cell-spark">
        <Sparkline spark={site.spark} windowEnd={windowEnd} />
      </td>
      <td role="cell" className="cell-uptime" data-label="24 h">
        {formatPercent(site.uptime24h)}
      </td>
      <td role="cell" className="cell-checked" data-label="Checked">
        <TimeAgo iso={last?.checkedAt ?? null} />
      </td>
      <td role="cell" className="cell-actions">
        {canWrite && (
          <div className="row-actions">
            <button
              type="button"
              className="btn btn-small"
              data-action="check"
              disabled={site.paused}
              aria-disabled={checking || undefined}
            >
              {checking ? 'Checking…' : 'Check now'}
              {hidden}
            </button>
            {site.managedBy !== undefined ? (
              // Declared in a configuration file: changed there (the API would answer 409 to an edit here).
              <ManagedNote file={site.managedBy} short />
            ) : (
              <>
                <button type="button" className="btn btn-small" data-action={site.paused ? 'resume' : 'pause'}>
                  {site.paused ? 'Resume' : 'Pause'}
                  {hidden}
                </button>
                <button type="button" className="btn btn-small" data-action="edit">
                  Edit
                  {hidden}
                </button>
                <button type="button" className="btn btn-small btn-danger-quiet" data-action="delete">
                  Delete
                  {hidden}
                </button>
              </>
            )}
          </div>
        )}
      </td>
    </tr>
  );
});
