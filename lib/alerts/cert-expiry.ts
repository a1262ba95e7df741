import type { NewOutboxRow, Store } from '../../db';
import type { CertExpiryEvent } from './event';
import { alertSite } from './reminders';

const DAY_MS = 86_400_000;

/**
 * The threshold a certificate has reached: the smallest of `thresholds` (days) that is at least its time left,
 * or null when it is further off than all of them. A certificate first seen with 5 days left is warned once,
 * for 7, not for 30 and 14 too.
 */
export function thresholdReached(expiresAt: number, now: number, thresholds: readonly number[]): number | null {
  const left = expiresAt - now;
  const reached = thresholds.filter((days) => left <= days * DAY_MS);
  return reached.length === 0 ? null : Math.min(...reached);
}

/**
 * Certificate expiry warnings from the newest checks: once per threshold per certificate, keyed on the site,
 * the certificate's expiry and the threshold, so running again (or after a restart) adds nothing, and a renewed
 * certificate (a new expiry) starts afresh.
 */
export function queueCertificateWarnings(
  store: Store,
  now: number,
  thresholds: readonly number[],
  publicUrl: string | undefined,
): number {
  const rows: NewOutboxRow[] = [];
  for (const cert of store.certificatesSeen()) {
    const threshold = thresholdReached(cert.expiresAt, now, thresholds);
    if (threshold === null) continue;
    for (const channelId of cert.site.channelIds) {
      const key = `cert:s${cert.site.id}:e${cert.expiresAt}:d${threshold}:ch${channelId}`;
      const event: CertExpiryEvent = {
        kind: 'cert-expiry',
        idempotencyKey: key,
        at: now,
        site: alertSite(cert.site, publicUrl),
        certificate: {
          expiresAt: cert.expiresAt,
          issuer: cert.issuer,
          daysLeft: Math.ceil((cert.expiresAt - now) / DAY_MS),
          thresholdDays: threshold,
        },
      };
      rows.push({
        channelId,
        siteId: cert.site.id,
        incidentId: null,
        kind: 'cert-expiry',
        idempotencyKey: key,
        payload: JSON.stringify(event),
        createdAt: now,
      });
    }
  }
  return store.enqueueOutbox(rows);
}
