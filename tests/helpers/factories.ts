import { ALERT_SETTING_DEFAULTS, KIND_SETTING_DEFAULTS, type NewCheck, type SiteSettings } from '../../db/domain';

/**
 * A site whose state follows each check (confirmAfter 1), so storage tests read a state after one result; the
 * confirmation rule has its own tests.
 */
export function newSite(over: Partial<SiteSettings> = {}): SiteSettings {
  return {
    name: 'Example',
    url: 'http://127.0.0.1:9/',
    method: 'GET',
    intervalSeconds: 60,
    timeoutMs: 5000,
    expectedStatus: '200-399',
    followRedirects: true,
    headers: {},
    paused: false,
    ...ALERT_SETTING_DEFAULTS,
    ...KIND_SETTING_DEFAULTS,
    confirmAfter: 1,
    ...over,
  };
}

export function newCheck(siteId: number, checkedAt: number, over: Partial<NewCheck> = {}): NewCheck {
  return {
    siteId,
    checkedAt,
    ok: true,
    statusCode: 200,
    timings: { dnsMs: 0.5, connectMs: 1.25, tlsMs: 0, ttfbMs: 20.125, transferMs: 0.1, totalMs: 21.975 },
    error: null,
    lagMs: 0,
    tlsExpiresAt: null,
    tlsIssuer: null,
    ...over,
  };
}
