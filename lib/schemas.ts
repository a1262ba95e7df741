import { z } from 'zod';
import { ALERT_SETTING_DEFAULTS, HTTP_METHODS, KIND_SETTING_DEFAULTS, SITE_KINDS, type SiteKind, type SiteSettings } from '../db/domain';
import { kindFields, settleKind } from './site-kinds';
import { SITE_LIMITS } from './site-limits';
import { kindOfUrl, nameForTarget, normaliseTarget } from './site-targets';
import { AppError } from './errors';
import { DEFAULT_EXPECTED_STATUS, normaliseStatusSpec, parseStatusSpec } from './status-codes';

/**
 * The one definition of a valid site, shared by the REST API, the browser forms and the CLI. Types are exact
 * (a number is a JSON number), unknown fields are refused, and every message names what is wrong.
 */

/**
 * The target: an http(s) URL, `tcp://host:port`, `dns://name` — what fits is decided with the kind, on the whole
 * site (`settleKind` in site-kinds.ts), which also normalises it.
 */
const urlField = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .min(1, 'is required')
  .max(SITE_LIMITS.urlMaxLength, `must be at most ${SITE_LIMITS.urlMaxLength} characters`);

// Control characters would break tables, logs and CSV exports.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const nameField = z
  .string({ error: 'must be a string' })
  .trim()
  .max(SITE_LIMITS.nameMaxLength, `must be at most ${SITE_LIMITS.nameMaxLength} characters`)
  .refine((v) => !CONTROL_CHARS.test(v), 'must not contain control characters');

const intField = (label: string, min: number, max: number) =>
  z
    .number({ error: `must be a number of ${label}` })
    .int(`must be a whole number of ${label}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** A spec is matched on every check and returned in every list: a handful of ranges is all anyone needs. */
export const EXPECTED_STATUS_LIMITS = { length: 200, ranges: 50 } as const;

const expectedStatusField = z
  .union([z.string(), z.array(z.number().int())], { error: 'must be a string like "200-299,301" or a list of codes' })
  .transform((value, ctx) => {
    // Bounded before parsing, so a huge spec costs nothing.
    if (Array.isArray(value) ? value.length > EXPECTED_STATUS_LIMITS.ranges : value.length > EXPECTED_STATUS_LIMITS.length) {
      ctx.addIssue({
        code: 'custom',
        message: Array.isArray(value)
          ? `must list at most ${EXPECTED_STATUS_LIMITS.ranges} codes`
          : `must be at most ${EXPECTED_STATUS_LIMITS.length} characters`,
      });
      return z.NEVER;
    }
    const spec = Array.isArray(value) ? value.join(',') : value;
    const parsed = parseStatusSpec(spec);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    if (parsed.length > EXPECTED_STATUS_LIMITS.ranges) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${EXPECTED_STATUS_LIMITS.ranges} codes or ranges` });
      return z.NEVER;
    }
    return normaliseStatusSpec(parsed);
  });

/**
 * Header names are HTTP tokens. Headers that frame the request or the connection belong to the client, not the
 * site, and undici refuses several of them at send time, so they are refused when saved instead of failing every
 * check. Values are printable ASCII: undici refuses most other characters, and credentials never need them.
 */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'upgrade', 'expect']);
const HOP_BY_HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'http2-settings',
]);
export const HEADER_LIMITS = { count: 20, nameLength: 64, valueLength: 1024 } as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

function headerProblem(name: string, value: string): string | null {
  if (!HEADER_NAME.test(name) || name.length > HEADER_LIMITS.nameLength) {
    return `"${name.slice(0, 40)}" is not a valid header name`;
  }
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower)) return `"${name}" is set by Upbeat and cannot be overridden`;
  if (HOP_BY_HOP_HEADERS.has(lower)) return `"${name}" is a hop-by-hop header, which Upbeat manages itself`;
  if (value.length > HEADER_LIMITS.valueLength || !HEADER_VALUE.test(value)) {
    return `the value of "${name}" must be at most ${HEADER_LIMITS.valueLength} printable ASCII characters on one line`;
  }
  return null;
}

const headersField = z
  .unknown()
  .superRefine((raw, ctx) => {
    // A record drops a `__proto__` key silently; say so instead of saving fewer headers than were sent.
    if (raw !== null && typeof raw === 'object' && Object.hasOwn(raw, '__proto__')) {
      ctx.addIssue({ code: 'custom', message: '"__proto__" is not a valid header name' });
    }
  })
  .pipe(
    z.record(z.string(), z.string({ error: 'each header value must be a string' }), {
      error: 'must be an object of header names to string values',
    }),
  )
  .superRefine((headers, ctx) => {
    const entries = Object.entries(headers);
    if (entries.length > HEADER_LIMITS.count) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${HEADER_LIMITS.count} headers` });
    }
    for (const [name, value] of entries) {
      const problem = headerProblem(name, value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }
  });

const methodField = z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` });

// One field per setting, each yielding the setting's own type (undefined: not given, take the default).
export const siteFields = {
  url: urlField,
  name: nameField.optional(),
  intervalSeconds: intField('seconds', SITE_LIMITS.intervalSeconds.min, SITE_LIMITS.intervalSeconds.max).optional(),
  timeoutMs: intField('milliseconds', SITE_LIMITS.timeoutMs.min, SITE_LIMITS.timeoutMs.max).optional(),
  expectedStatus: expectedStatusField.optional(),
  method: methodField.optional(),
  followRedirects: z.boolean({ error: 'must be true or false' }).optional(),
  headers: headersField.optional(),
  paused: z.boolean({ error: 'must be true or false' }).optional(),
  confirmAfter: intField('checks', SITE_LIMITS.confirmAfter.min, SITE_LIMITS.confirmAfter.max).optional(),
  recoverAfter: intField('checks', SITE_LIMITS.recoverAfter.min, SITE_LIMITS.recoverAfter.max).optional(),
  retryIntervalSeconds: intField(
    'seconds',
    SITE_LIMITS.retryIntervalSeconds.min,
    SITE_LIMITS.retryIntervalSeconds.max,
  ).optional(),
  degradedAboveMs: intField('milliseconds', SITE_LIMITS.degradedAboveMs.min, SITE_LIMITS.degradedAboveMs.max)
    .nullable()
    .optional(),
  remindEveryMinutes: intField('minutes', SITE_LIMITS.remindEveryMinutes.min, SITE_LIMITS.remindEveryMinutes.max)
    .nullable()
    .optional(),
  ...kindFields,
} satisfies { [K in keyof SiteSettings]-?: z.ZodType<SiteSettings[K] | undefined> };

const channelsField = z
  .array(z.number({ error: 'must be a list of channel ids' }).int('must be a list of channel ids').positive('must be a list of channel ids'), {
    error: 'must be a list of channel ids',
  })
  .max(100, 'must have at most 100 channels')
  .optional();

/**
 * The URL against the kind (given, or read from the URL's scheme), reported beside the other fields' problems.
 * Runs even when other fields failed, so every bad field is named at once.
 */
export function targetFitsKind(required: boolean) {
  return (value: { kind?: unknown; url?: unknown } | null, ctx: z.RefinementCtx) => {
    if (typeof value !== 'object' || value === null) return;
    const { kind, url } = value;
    if (typeof url !== 'string' && !required) return;
    const given = typeof url === 'string' ? url : undefined;
    const k = SITE_KINDS.includes(kind as SiteKind) ? (kind as SiteKind) : kindOfUrl(given ?? '');
    const target = normaliseTarget(k, given);
    if ('problem' in target) ctx.addIssue({ code: 'custom', path: ['url'], message: target.problem });
  };
}
// zod skips an object's refinements once a field failed; this one runs anyway (its value may be partial).
export const ALWAYS = { when: () => true } as unknown as undefined;

// The URL may be left out for a push site only.
export const siteCreateSchema = z
  .strictObject({ ...siteFields, url: urlField.optional(), channels: channelsField }, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a JSON object'),
  })
  .superRefine(targetFitsKind(true), ALWAYS);

export const sitePatchSchema = z
  .strictObject({ ...siteFields, url: urlField.optional(), channels: channelsField }, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a JSON object'),
  })
  .superRefine(targetFitsKind(false), ALWAYS);

export type SiteCreateInput = z.input<typeof siteCreateSchema>;

/** A site's display name when the user gave none: its host (without a leading `www.`), or what it checks. */
export function nameFromUrl(url: string, kind: SiteKind = 'http'): string {
  return nameForTarget(kind, url).slice(0, SITE_LIMITS.nameMaxLength);
}

/**
 * Turns zod issues into `{ field: message }`, one message per field (the first). Built from a Map, so a field
 * called `__proto__` or `constructor` is named like any other instead of vanishing into the prototype.
 */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields = new Map<string, string>();
  const add = (key: string, message: string) => {
    if (!fields.has(key)) fields.set(key, message);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(key, 'is not a known field');
      continue;
    }
    add(issue.path.length > 0 ? issue.path.map(String).join('.') : '_', issue.message);
  }
  return Object.fromEntries(fields);
}

function describe(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([field, message]) => (field === '_' ? `body ${message}` : `${field} ${message}`))
    .join('; ');
}

function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    throw new AppError('validation', `Invalid site: ${describe(fields)}`, fields);
  }
  return parsed.data;
}

/** Validates a new site and fills in the defaults; throws AppError('validation') naming each bad field. */
export function validateNewSite(input: unknown): SiteSettings & { channels?: number[] } {
  const v = parseOrThrow(siteCreateSchema, input);
  const kind = v.kind ?? kindOfUrl(v.url ?? '');
  const method = v.method ?? 'GET';
  const assertions = v.assertions ?? [];
  const requestBody = v.requestBody ?? null;
  const { url } = settleKind({ kind, url: v.url ?? '', assertions, requestBody, method });
  return {
    ...(v.channels === undefined ? {} : { channels: [...new Set(v.channels)] }),
    url,
    name: v.name && v.name.length > 0 ? v.name : nameFromUrl(url, kind),
    method,
    intervalSeconds: v.intervalSeconds ?? SITE_LIMITS.intervalSeconds.default,
    timeoutMs: v.timeoutMs ?? SITE_LIMITS.timeoutMs.default,
    expectedStatus: v.expectedStatus ?? DEFAULT_EXPECTED_STATUS,
    followRedirects: v.followRedirects ?? true,
    headers: v.headers ?? {},
    paused: v.paused ?? false,
    confirmAfter: v.confirmAfter ?? ALERT_SETTING_DEFAULTS.confirmAfter,
    recoverAfter: v.recoverAfter ?? ALERT_SETTING_DEFAULTS.recoverAfter,
    retryIntervalSeconds: v.retryIntervalSeconds ?? ALERT_SETTING_DEFAULTS.retryIntervalSeconds,
    degradedAboveMs: v.degradedAboveMs ?? ALERT_SETTING_DEFAULTS.degradedAboveMs,
    remindEveryMinutes: v.remindEveryMinutes ?? ALERT_SETTING_DEFAULTS.remindEveryMinutes,
    kind,
    assertions,
    requestBody,
    requestContentType: v.requestContentType ?? KIND_SETTING_DEFAULTS.requestContentType,
    tlsVerify: v.tlsVerify ?? KIND_SETTING_DEFAULTS.tlsVerify,
    caPem: v.caPem ?? KIND_SETTING_DEFAULTS.caPem,
    hostHeader: v.hostHeader ?? KIND_SETTING_DEFAULTS.hostHeader,
    dnsRecordType: v.dnsRecordType ?? KIND_SETTING_DEFAULTS.dnsRecordType,
    dnsServer: v.dnsServer ?? KIND_SETTING_DEFAULTS.dnsServer,
    dnsExpected: v.dnsExpected ?? [],
    pushGraceSeconds: v.pushGraceSeconds ?? KIND_SETTING_DEFAULTS.pushGraceSeconds,
  };
}

const KIND_KEYS = Object.keys(kindFields) as (keyof typeof kindFields)[];

/** Validates a partial update; only the fields given are returned (the kind rules run on the merged site). */
export function validateSitePatch(input: unknown): Partial<SiteSettings> & { channels?: number[] } {
  const v = parseOrThrow(sitePatchSchema, input);
  const patch: Partial<SiteSettings> & { channels?: number[] } = {};
  if (v.channels !== undefined) patch.channels = [...new Set(v.channels)];
  if (v.url !== undefined) patch.url = v.url;
  // An empty name means "derive it from the URL"; the caller knows the URL the site will end up with.
  if (v.name !== undefined) patch.name = v.name;
  if (v.method !== undefined) patch.method = v.method;
  if (v.intervalSeconds !== undefined) patch.intervalSeconds = v.intervalSeconds;
  if (v.timeoutMs !== undefined) patch.timeoutMs = v.timeoutMs;
  if (v.expectedStatus !== undefined) patch.expectedStatus = v.expectedStatus;
  if (v.followRedirects !== undefined) patch.followRedirects = v.followRedirects;
  if (v.headers !== undefined) patch.headers = v.headers;
  if (v.paused !== undefined) patch.paused = v.paused;
  if (v.confirmAfter !== undefined) patch.confirmAfter = v.confirmAfter;
  if (v.recoverAfter !== undefined) patch.recoverAfter = v.recoverAfter;
  if (v.retryIntervalSeconds !== undefined) patch.retryIntervalSeconds = v.retryIntervalSeconds;
  if (v.degradedAboveMs !== undefined) patch.degradedAboveMs = v.degradedAboveMs;
  if (v.remindEveryMinutes !== undefined) patch.remindEveryMinutes = v.remindEveryMinutes;
  for (const key of KIND_KEYS) if (v[key] !== undefined) (patch as Record<string, unknown>)[key] = v[key];
  return patch;
}
