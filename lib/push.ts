import crypto from 'node:crypto';
import type { Store } from '../db';
import type { NewCheck } from '../db/domain';
import { AppError } from './errors';

/**
 * Push (heartbeat) sites: a cron job or backup calls its secret URL, `/api/push/{token}`, and every call is
 * recorded as a check; the watchdog (lib/monitor/push-watchdog.ts) records a failed one when a ping is late. The
 * token is random, shown once (at create and at rotate) and stored only as its SHA-256, so the database alone
 * cannot be used to ping.
 */

const TOKEN_BYTES = 24;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32}$/;
const MESSAGE_MAX = 200;

export function hashPushToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** A new token and its hash. */
export function newPushToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashPushToken(token) };
}

/** The ping URL's path for a token. */
export function pushPath(token: string): string {
  return `/api/push/${token}`;
}

/** Gives a push site a new token (the old one stops working at once) and returns it: the one time it is shown. */
export function rotatePushToken(store: Store, siteId: number): string {
  const { token, hash } = newPushToken();
  if (!store.setPushTokenHash(siteId, hash)) throw new AppError('not_found', `No push site with id ${siteId}`);
  return token;
}

export interface Ping {
  /** `down` records a failed check; anything else (or nothing) a passed one. */
  status?: string | null;
  /** Shown as the failed check's message. */
  msg?: string | null;
}

/**
 * Records a ping as a check of its site. Returns false — having written nothing — when the token belongs to no
 * push site; a paused site's pings are counted as seen but not recorded.
 */
export function receivePing(store: Store, token: string, ping: Ping, now = Date.now()): boolean {
  if (!TOKEN_SHAPE.test(token)) return false;
  const site = store.pushSiteByTokenHash(hashPushToken(token));
  if (!site) return false;
  store.notePushPing(site.id, now);
  if (site.paused) return true;
  const down = ping.status?.toLowerCase() === 'down';
  const message = (ping.msg ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MESSAGE_MAX);
  const check: NewCheck = {
    siteId: site.id,
    checkedAt: now,
    ok: !down,
    statusCode: null,
    timings: { dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 0, transferMs: 0, totalMs: 0 },
    error: down ? { kind: 'push', message: message === '' ? 'the ping reported down' : `the ping reported down: ${message}` } : null,
    tlsExpiresAt: null,
    tlsIssuer: null,
    lagMs: 0,
  };
  store.recordChecks([check]);
  return true;
}
