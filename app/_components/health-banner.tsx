'use client';

import useSWR from 'swr';
import type { HealthReport } from '@/lib/health';
import { api, unwrap, type HealthWire } from './api-client';
import { useLiveEvents } from './live-events';
import styles from './health-banner.module.css';

export const HEALTH_KEY = '/api/health';
/** How often the banner asks again; the checker writes its self-report every 2 s and is stalled after 15 s. */
const REFRESH_MS = 10_000;

const fetchHealth = async (): Promise<HealthWire> => unwrap(await api.health());

const HEADLINES: Partial<Record<HealthReport['status'], string>> = {
  behind: 'The monitor itself is behind — latency figures may be late.',
  stalled: 'The monitor has stopped checking — results shown here are not being updated.',
};

/**
 * A notice across the page while the monitor itself is behind or stalled (GET /api/health), refreshed every
 * 10 s and whenever the live event stream reconnects. Renders nothing while all is well, while the checker is
 * deliberately off, or while the server cannot be reached (the live stream's own notice covers that).
 */
export function HealthBanner() {
  const { data, mutate } = useSWR<HealthWire>(HEALTH_KEY, fetchHealth, {
    refreshInterval: REFRESH_MS,
    revalidateOnFocus: true,
    shouldRetryOnError: false,
  });
  useLiveEvents({ onOpen: () => void mutate() });
  const headline = data ? HEADLINES[data.status] : undefined;
  if (!data || !headline) return null;
  return (
    <div className={`${styles.banner} ${data.status === 'stalled' ? styles.stalled : styles.behind}`} role="status">
      <strong className={styles.headline}>{headline}</strong>
      {data.reasons.length > 0 && <span className={styles.reasons}>{data.reasons.join('; ')}</span>}
    </div>
  );
}
