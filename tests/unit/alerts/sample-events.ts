import type { AlertEvent, AlertSite, DownEvent } from '../../../lib/alerts/event';

/** Events as the state machine would hand them over, at a fixed instant so the words are exact. */

export const AT = Date.UTC(2025, 2, 1, 12, 0, 20);

export const SHOP: AlertSite = {
  id: 7,
  name: 'Shop API',
  url: 'https://shop.example.com/health',
  link: 'https://upbeat.example.com/sites/7',
};

export const down: DownEvent = {
  kind: 'down',
  idempotencyKey: 'transition-41:channel-3',
  at: AT,
  site: SHOP,
  cause: { kind: 'dns', message: 'cannot resolve shop.example.com (ENOTFOUND)', statusCode: null },
  since: AT - 20_000,
  lastStatusCode: null,
  lastLatencyMs: 12.4,
};

export function sampleEvents(): Record<AlertEvent['kind'], AlertEvent> {
  const http503 = { kind: 'status' as const, message: 'HTTP 503 (expected 200-399)', statusCode: 503 };
  return {
    down,
    up: {
      kind: 'up',
      idempotencyKey: 'k-up',
      at: AT,
      site: SHOP,
      cause: http503,
      since: AT - 252_000,
      downForMs: 252_000,
      lastStatusCode: 200,
      lastLatencyMs: 87,
    },
    reminder: {
      kind: 'reminder',
      idempotencyKey: 'k-rem',
      at: AT,
      site: SHOP,
      cause: http503,
      since: AT - 3_900_000,
      downForMs: 3_900_000,
      lastStatusCode: 503,
      lastLatencyMs: 140,
    },
    degraded: {
      kind: 'degraded',
      idempotencyKey: 'k-deg',
      at: AT,
      site: SHOP,
      since: AT - 150_000,
      latency: { p95Ms: 2350, thresholdMs: 1000, samples: 5 },
      lastStatusCode: 200,
      lastLatencyMs: 2410,
    },
    undegraded: {
      kind: 'undegraded',
      idempotencyKey: 'k-undeg',
      at: AT,
      site: SHOP,
      since: AT - 600_000,
      degradedForMs: 600_000,
      latency: { p95Ms: 420, thresholdMs: 1000, samples: 5 },
      lastStatusCode: 200,
      lastLatencyMs: 390,
    },
    'cert-expiry': {
      kind: 'cert-expiry',
      idempotencyKey: 'k-cert',
      at: AT,
      site: SHOP,
      certificate: { expiresAt: AT + 7 * 86_400_000, issuer: "Let's Encrypt", daysLeft: 7, thresholdDays: 7 },
    },
    storm: {
      kind: 'storm',
      idempotencyKey: 'k-storm',
      at: AT,
      link: 'https://upbeat.example.com/',
      group: {
        state: 'down',
        total: 37,
        sites: Array.from({ length: 12 }, (_, i) => ({
          site: { id: 100 + i, name: `site-${i}`, url: `https://s${i}.example.com/`, link: null },
          cause: { kind: 'timeout' as const, message: 'timed out after 10000 ms while connecting', statusCode: null },
          since: AT - 30_000,
        })),
      },
    },
    network: {
      kind: 'network',
      idempotencyKey: 'k-net',
      at: AT,
      link: null,
      group: {
        state: 'down',
        total: 32,
        checked: 35,
        byKind: { timeout: 12, dns: 20 },
        sites: [{ site: SHOP, cause: down.cause, since: AT - 20_000 }],
      },
    },
    test: { kind: 'test', idempotencyKey: 'k-test', at: AT, channelName: 'Ops room', link: 'https://upbeat.example.com/' },
  };
}
