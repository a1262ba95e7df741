'use client';

import Link from 'next/link';
import { use, useSyncExternalStore } from 'react';
import type { ApiIncident, ApiNotice } from '@/lib/api/present-incident';
import { formatDuration } from '@/lib/alerts/duration';
import { KIND_LABELS } from '@/app/settings/notifications/delivery-log';
import { readNow, RenderTimeContext, subscribeToClock, useIsClient } from './clock';
import { formatDateTime } from './format';
import { StateBadge } from './state-badge';
import styles from './incidents.module.css';

/**
 * One incident as the Incidents page and the site page show it: what broke, when (started at the first failing
 * check, confirmed, resolved or still going with a live duration), why in the words the messages use, the checks
 * seen during it, and who was told with how that went.
 */
export function IncidentItem({ incident, showSite }: { incident: ApiIncident; showSite: boolean }) {
  const isClient = useIsClient();
  const renderedAt = use(RenderTimeContext);
  // Local time once hydrated; UTC (and saying so) on the server, which does not know the viewer's zone.
  const when = (iso: string) => formatDateTime(iso, isClient ? renderedAt : null);
  const i = incident;
  return (
    <li className={styles.item} data-testid="incident" data-id={i.id} data-open={i.open} data-kind={i.kind}>
      <div className={styles.top}>
        <StateBadge state={i.kind} />
        {showSite ? (
          <Link href={`/sites/${i.siteId}`} className={styles.site}>
            {i.siteName}
          </Link>
        ) : (
          <span className={styles.site}>{i.open ? 'Open incident' : 'Incident'}</span>
        )}
        <span className={styles.length} data-testid="incident-duration">
          {i.open ? (
            <>
              <strong className={styles.ongoing}>ongoing</strong> for <Elapsed since={i.startedAt} />
            </>
          ) : (
            <>resolved after {formatDuration(i.durationMs ?? 0)}</>
          )}
        </span>
      </div>
      <p className={styles.cause} data-testid="incident-cause">
        {i.cause?.text ?? (i.kind === 'degraded' ? 'Responses slower than the site’s threshold' : 'No cause recorded')}
      </p>
      <dl className={styles.times}>
        <div>
          <dt>Started</dt>
          <dd>
            <time dateTime={i.startedAt}>{when(i.startedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Confirmed</dt>
          <dd>
            <time dateTime={i.confirmedAt}>{when(i.confirmedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Resolved</dt>
          <dd>{i.resolvedAt === null ? 'ongoing' : <time dateTime={i.resolvedAt}>{when(i.resolvedAt)}</time>}</dd>
        </div>
        <div>
          <dt>Checks</dt>
          <dd>
            {i.checks} seen, {i.failed} failed
          </dd>
        </div>
      </dl>
      {i.notified !== null && <Notified notices={i.notified} />}
    </li>
  );
}

/** How long since `since`, ticking each second; the server's render time until hydrated, so both agree. */
function Elapsed({ since }: { since: string }) {
  const renderedAt = use(RenderTimeContext);
  const at = Date.parse(since);
  const text = useSyncExternalStore(
    subscribeToClock,
    () => formatDuration(readNow() - at),
    () => formatDuration(renderedAt - at),
  );
  return <span data-testid="incident-elapsed">{text}</span>;
}

function noticeOutcome(n: ApiNotice): string {
  switch (n.status) {
    case 'delivered':
      return 'delivered';
    case 'failed':
      return 'failed';
    case 'grouped':
      return 'sent in a grouped message';
    default:
      return n.attempts === 0 ? 'sending' : `retrying after ${n.attempts} ${n.attempts === 1 ? 'attempt' : 'attempts'}`;
  }
}

/** Who was told: one line per channel, each message with its outcome. */
function Notified({ notices }: { notices: ApiNotice[] }) {
  if (notices.length === 0) {
    return <p className={styles.notified}>No channel was told: this site has none.</p>;
  }
  const byChannel = new Map<number, ApiNotice[]>();
  for (const n of notices) byChannel.set(n.channelId, [...(byChannel.get(n.channelId) ?? []), n]);
  return (
    <ul className={styles.notified} aria-label="Notified">
      {[...byChannel.values()].map((list) => (
        <li key={list[0]!.channelId} data-testid="incident-notice">
          <span className={styles.channel}>{list[0]!.channelName}</span>
          {list.map((n) => (
            <span key={n.kind} className={styles.notice} data-status={n.status}>
              {KIND_LABELS[n.kind] ?? n.kind}: {noticeOutcome(n)}
              {n.status !== 'delivered' && n.error ? ` (${n.error})` : ''}
            </span>
          ))}
        </li>
      ))}
    </ul>
  );
}
