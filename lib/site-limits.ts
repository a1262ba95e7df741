/**
 * The bounds of a site's settings, as plain constants: the schemas (lib/schemas.ts, lib/site-kinds.ts) validate
 * against them, and the site form, the importers and the one-shot CLI read them without loading the schemas'
 * validation library (which was most of the CLI's start-up).
 */

/** A site's common settings. */
export const SITE_LIMITS = {
  urlMaxLength: 2048,
  nameMaxLength: 100,
  intervalSeconds: { min: 1, max: 86400, default: 60 },
  timeoutMs: { min: 100, max: 60000, default: 10000 },
  confirmAfter: { min: 1, max: 10 },
  recoverAfter: { min: 1, max: 10 },
  retryIntervalSeconds: { min: 1, max: 3600 },
  degradedAboveMs: { min: 1, max: 60000 },
  remindEveryMinutes: { min: 1, max: 10080 },
} as const;

/** The settings of the check kinds, assertions and request options (lib/site-kinds.ts). */
export const KIND_LIMITS = {
  assertions: 20,
  assertionText: 500,
  requestBody: 16 * 1024,
  contentType: 200,
  caPem: 32 * 1024,
  hostHeader: 253,
  dnsExpected: 20,
  dnsValue: 255,
  pushGraceSeconds: { min: 0, max: 86400 },
  belowMs: { min: 1, max: 60000 },
} as const;
