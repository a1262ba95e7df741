'use client';

import Link from 'next/link';
import type { ApiIncidentList } from '@/lib/api/present-incident';
import { formatDuration } from '@/lib/alerts/duration';
import { RenderTimeContext } from '@/app/_components/clock';
import { IncidentItem } from '@/app/_components/incident-item';
import listStyles from '@/app/_components/incidents.module.css';
import { useIncidents } from '@/app/_components/use-incidents';
import { SITE_INCIDENTS_SHOWN } from '@/app/incidents/incident-filters';
import styles from './site.module.css';

// The list route answers 200 (empty) for a site deleted meanwhile, where the per-site route would log a 404.
const siteIncidentsUrl = (siteId: number) => `/api/incidents?siteId=${siteId}&limit=${SITE_INCIDENTS_SHOWN}`;

interface Props {
  siteId: number;
  initial: ApiIncidentList;
  renderedAt: number;
}

function useSiteIncidents({ siteId, initial }: Props) {
  const url = siteIncidentsUrl(siteId);
  return useIncidents({ key: url, url: () => url, fallback: initial, siteId });
}

/** An incident still open, at the top of the page: the first thing to know about a site that is down. */
export function OpenIncident(props: Props) {
  const open = useSiteIncidents(props).data?.incidents.find((i) => i.open);
  if (!open) return null;
  return (
    <RenderTimeContext value={props.renderedAt}>
      <section className={styles.openIncident} aria-label="Open incident" data-testid="open-incident">
        <ol className={listStyles.list}>
          <IncidentItem incident={open} showSite={false} />
        </ol>
      </section>
    </RenderTimeContext>
  );
}

/** The site's incidents, newest first, with its 30-day count and mean time to resolve. */
export function SiteIncidents(props: Props) {
  const { data } = useSiteIncidents(props);
  const list = data ?? props.initial;
  const { count, mttrMs } = list.last30Days;
  return (
    <RenderTimeContext value={props.renderedAt}>
      <section className={styles.card} aria-labelledby="incidents-heading" data-testid="site-incidents">
        <div className={styles.cardHead}>
          <h2 id="incidents-heading">Incidents</h2>
          <p className={styles.muted}>
            30 d: {count} {count === 1 ? 'incident' : 'incidents'}
            {mttrMs !== null && `, resolved in ${formatDuration(mttrMs)} on average`} ·{' '}
            <Link href={`/incidents?site=${props.siteId}`}>All of this site’s incidents</Link>
          </p>
        </div>
        {list.incidents.length === 0 ? (
          <p className={styles.muted}>No incidents: this site has not been down or slow.</p>
        ) : (
          <ol className={listStyles.list} aria-label="Incidents of this site">
            {list.incidents.map((i) => (
              <IncidentItem key={i.id} incident={i} showSite={false} />
            ))}
          </ol>
        )}
      </section>
    </RenderTimeContext>
  );
}
