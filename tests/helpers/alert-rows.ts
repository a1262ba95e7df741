import type { NewOutboxRow, Store } from '../../db';
import type { DownEvent, UpEvent } from '../../lib/alerts/event';
import type { ErrorKind } from '../../db/domain';

/** Webhook secret the tests sign with. */
export const HOOK_SECRET = 'a-test-secret-of-some-length';

export function addWebhookChannel(store: Store, url: string, name = 'Hook'): number {
  return store.createChannel({ name, type: 'webhook', config: { url, secret: HOOK_SECRET }, isDefault: false, enabled: true }).id;
}

/** Sites whose newest check failed (or passed), the way the checker would have recorded them. */
export function addSites(store: Store, count: number, options: { ok: boolean; kind?: ErrorKind; at?: number }): number[] {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const site = store.createSite({
      name: `Site ${i + 1}`,
      url: `http://127.0.0.1:9/${i + 1}`,
      method: 'GET',
      intervalSeconds: 30,
      timeoutMs: 5000,
      expectedStatus: '200-399',
      followRedirects: true,
      headers: {},
      paused: false,
      // One recorded check decides the state here; confirmation has its own tests.
      confirmAfter: 1,
    });
    ids.push(site.id);
  }
  recordChecks(store, ids, options);
  return ids;
}

export function recordChecks(store: Store, ids: readonly number[], options: { ok: boolean; kind?: ErrorKind; at?: number }) {
  const kind = options.kind ?? 'status';
  store.recordChecks(
    ids.map((siteId) => ({
      siteId,
      checkedAt: options.at ?? Date.now(),
      ok: options.ok,
      statusCode: options.ok ? 200 : kind === 'status' ? 500 : null,
      timings: { dnsMs: 0, connectMs: 1, tlsMs: 0, ttfbMs: 2, transferMs: 0, totalMs: 3 },
      error: options.ok ? null : { kind, message: kind === 'status' ? 'HTTP 500' : `${kind} failure` },
      lagMs: 0,
      tlsExpiresAt: null,
      tlsIssuer: null,
    })),
  );
}

/** A `down` (or `up`) outbox row per channel, as the transition that confirmed it writes them. */
export function transitionRows(
  store: Store,
  siteId: number,
  channelIds: readonly number[],
  kind: 'down' | 'up',
  at = Date.now(),
  causeKind: ErrorKind = 'status',
): NewOutboxRow[] {
  const site = store.getSite(siteId)!;
  const alertSite = { id: site.id, name: site.name, url: site.url, link: null };
  const cause = { kind: causeKind, message: causeKind === 'status' ? 'HTTP 500' : `${causeKind} failure`, statusCode: causeKind === 'status' ? 500 : null };
  return channelIds.map((channelId) => {
    const idempotencyKey = `inc${siteId}:${kind}:ch${channelId}`;
    const event: DownEvent | UpEvent =
      kind === 'down'
        ? { kind, idempotencyKey, at, site: alertSite, cause, since: at - 10_000, lastStatusCode: 500, lastLatencyMs: 3 }
        : { kind, idempotencyKey, at, site: alertSite, cause, since: at - 60_000, downForMs: 60_000, lastStatusCode: 200, lastLatencyMs: 3 };
    return { channelId, siteId, incidentId: null, kind, idempotencyKey, payload: JSON.stringify(event), createdAt: at };
  });
}
