import {
  SITE_SETTING_KEYS,
  type CheckRecord,
  type LastCheck,
  type SiteSettings,
  type SiteWithLastCheck,
} from '../../db/domain';

/** Wire shapes of the REST API: ISO 8601 times, milliseconds rounded to 0.1. Pages and the CLI read these. */

const iso = (ms: number) => new Date(ms).toISOString();
const round1 = (ms: number) => Math.round(ms * 10) / 10;

export function presentLastCheck(c: LastCheck | null) {
  if (!c) return null;
  return {
    checkedAt: iso(c.checkedAt),
    ok: c.ok,
    statusCode: c.statusCode,
    latencyMs: round1(c.latencyMs),
    error: c.error,
  };
}

/** What every header value reads as: it is set, and nothing more. */
export const MASKED_VALUE = '••••••••';

/**
 * Header values may be credentials: none of a value is ever sent back, not its first characters nor its length
 * (a prefix such as `Bearer upb_` narrows a guess, a length tells a short password).
 */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((k) => [k, MASKED_VALUE]));
}

/** Every setting, by the one list of them, so a new setting reaches the API without a change here. */
function presentSettings(s: SiteSettings): SiteSettings {
  const settings = Object.fromEntries(SITE_SETTING_KEYS.map((key) => [key, s[key]])) as unknown as SiteSettings;
  // A request body may carry a credential as a header does: that one is set is all a read tells.
  return { ...settings, headers: maskHeaders(s.headers), requestBody: s.requestBody === null ? null : MASKED_VALUE };
}

export function presentSite(s: SiteWithLastCheck) {
  return {
    id: s.id,
    ...presentSettings(s),
    channels: s.channels,
    state: s.state,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    lastCheck: presentLastCheck(s.lastCheck),
  };
}
export type ApiSite = ReturnType<typeof presentSite>;

export function presentCheck(c: CheckRecord) {
  return {
    checkedAt: iso(c.checkedAt),
    ok: c.ok,
    statusCode: c.statusCode,
    latencyMs: round1(c.timings.totalMs),
    timings: {
      dnsMs: round1(c.timings.dnsMs),
      connectMs: round1(c.timings.connectMs),
      tlsMs: round1(c.timings.tlsMs),
      ttfbMs: round1(c.timings.ttfbMs),
      transferMs: round1(c.timings.transferMs),
      totalMs: round1(c.timings.totalMs),
    },
    error: c.error,
    lagMs: c.lagMs,
    tlsExpiresAt: c.tlsExpiresAt === null ? null : iso(c.tlsExpiresAt),
    detail: c.detail ?? null,
  };
}
export type ApiCheck = ReturnType<typeof presentCheck>;
