import { z } from 'zod';
import {
  ASSERTION_TYPES,
  DNS_RECORD_TYPES,
  HEADER_OPS,
  JSON_PATH_OPS,
  SITE_KINDS,
  type Assertion,
  type KindSettingKey,
  type SiteSettings,
} from '../db/domain';
import { AppError } from './errors';
import { parseJsonPath } from './monitor/json-path';
import { parseDnsServer, regexProblem } from './target-syntax';
import { KIND_LIMITS } from './site-limits';
import { HOST_NAME, normaliseTarget } from './site-targets';

/**
 * What a site checks, beyond plain HTTP: the fields of the check kinds (tcp, dns, push), the assertions and the
 * request options, and the rules that tie them to the kind and the URL. Field schemas for lib/schemas.ts, and
 * one cross-field check (`settleKind`) run on the whole site as it will be saved, at create and at every edit.
 */



const CONTROL = /[\u0000-\u001f\u007f]/;
const text = (max: number, what = 'a string') =>
  z
    .string({ error: `must be ${what}` })
    .max(max, `must be at most ${max} characters`);
const line = (max: number) => text(max).refine((v) => !CONTROL.test(v), 'must be one line without control characters');
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const assertionSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.enum(['body-contains', 'body-not-contains']),
      value: text(KIND_LIMITS.assertionText).min(1, 'must not be empty'),
      ignoreCase: z.boolean({ error: 'must be true or false' }).optional(),
    }),
    z.strictObject({
      type: z.literal('body-matches'),
      pattern: text(KIND_LIMITS.assertionText).min(1, 'must not be empty'),
      flags: z
        .string()
        .regex(/^[imsu]{0,4}$/, 'may only hold the flags i, m, s and u')
        .optional(),
    }),
    z.strictObject({
      type: z.literal('json-path'),
      path: line(KIND_LIMITS.assertionText).refine((p) => typeof parseJsonPath(p) !== 'string', 'must be a path like $.status or $.items[0].id'),
      op: z.enum(JSON_PATH_OPS, { error: `must be one of ${JSON_PATH_OPS.join(' ')}` }),
      value: z.union([text(KIND_LIMITS.assertionText), z.number(), z.boolean(), z.null()], {
        error: 'must be a string, number, true, false or null',
      }),
    }),
    z.strictObject({
      type: z.literal('header'),
      name: z.string({ error: 'must be a header name' }).max(64, 'must be at most 64 characters').regex(HEADER_NAME, 'must be a header name'),
      op: z.enum(HEADER_OPS, { error: `must be one of ${HEADER_OPS.join(', ')}` }),
      value: line(KIND_LIMITS.assertionText),
    }),
    z.strictObject({
      type: z.literal('response-time'),
      belowMs: z
        .number({ error: 'must be a number of milliseconds' })
        .int('must be a whole number of milliseconds')
        .min(KIND_LIMITS.belowMs.min, `must be at least ${KIND_LIMITS.belowMs.min}`)
        .max(KIND_LIMITS.belowMs.max, `must be at most ${KIND_LIMITS.belowMs.max}`),
    }),
  ],
  { error: `each must have a type: ${ASSERTION_TYPES.join(', ')}` },
);

export const kindFields = {
  kind: z.enum(SITE_KINDS, { error: `must be one of ${SITE_KINDS.join(', ')}` }).optional(),
  assertions: z
    .array(assertionSchema, { error: 'must be a list of assertions' })
    .max(KIND_LIMITS.assertions, `must have at most ${KIND_LIMITS.assertions} assertions`)
    .superRefine((list, ctx) => {
      list.forEach((a, i) => {
        const problem = patternProblem(a);
        if (problem !== null) ctx.addIssue({ code: 'custom', path: [i], message: problem });
      });
    })
    .optional(),
  requestBody: text(KIND_LIMITS.requestBody).nullable().optional(),
  requestContentType: line(KIND_LIMITS.contentType).nullable().optional(),
  tlsVerify: z.boolean({ error: 'must be true or false' }).optional(),
  caPem: text(KIND_LIMITS.caPem)
    .refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), 'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)')
    .nullable()
    .optional(),
  hostHeader: z
    .string({ error: 'must be a host name' })
    .trim()
    .regex(HOST_NAME, 'must be a host name like internal.example.com')
    .nullable()
    .optional(),
  dnsRecordType: z.enum(DNS_RECORD_TYPES, { error: `must be one of ${DNS_RECORD_TYPES.join(', ')}` }).optional(),
  dnsServer: z
    .string({ error: 'must be an IP address, optionally with :port' })
    .trim()
    .refine((v) => typeof parseDnsServer(v) !== 'string', 'must be an IP address, optionally with :port')
    .nullable()
    .optional(),
  dnsExpected: z
    .array(line(KIND_LIMITS.dnsValue).trim().min(1, 'must not be empty'), { error: 'must be a list of strings' })
    .max(KIND_LIMITS.dnsExpected, `must have at most ${KIND_LIMITS.dnsExpected} values`)
    .optional(),
  pushGraceSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(KIND_LIMITS.pushGraceSeconds.min, `must be at least ${KIND_LIMITS.pushGraceSeconds.min}`)
    .max(KIND_LIMITS.pushGraceSeconds.max, `must be at most ${KIND_LIMITS.pushGraceSeconds.max}`)
    .optional(),
} satisfies { [K in KindSettingKey]-?: z.ZodType<SiteSettings[K] | undefined> };

function patternProblem(a: Assertion): string | null {
  if (a.type === 'body-matches') {
    const p = regexProblem(a.pattern, a.flags ?? '');
    return p === null ? null : `pattern is not a valid regular expression (${p})`;
  }
  if (a.type === 'header' && a.op === 'matches') {
    const p = regexProblem(a.value, '');
    return p === null ? null : `value is not a valid regular expression (${p})`;
  }
  return null;
}

/**
 * Checks the settings that only make sense together — the URL against the kind, assertions against what the kind
 * can see — on the site as it will be saved, and returns it with its URL normalised. Throws AppError('validation')
 * naming each field.
 */
export function settleKind<S extends Pick<SiteSettings, 'kind' | 'url' | 'assertions' | 'requestBody' | 'method'>>(site: S): S {
  const fields: Record<string, string> = {};
  const target = normaliseTarget(site.kind, site.url);
  if ('problem' in target) fields.url = target.problem;
  site.assertions.forEach((a, i) => {
    if (site.kind === 'push') fields[`assertions.${i}`] = 'push sites take no assertions';
    else if (site.kind !== 'http' && a.type !== 'response-time') {
      fields[`assertions.${i}.type`] = `${site.kind} sites can only assert response-time`;
    }
  });
  if (site.kind === 'http' && site.requestBody !== null && (site.method === 'GET' || site.method === 'HEAD')) {
    fields.requestBody = `cannot be sent with ${site.method}; use POST, PUT or PATCH`;
  }
  if (Object.keys(fields).length > 0) {
    const said = Object.entries(fields)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ');
    throw new AppError('validation', `Invalid site: ${said}`, fields);
  }
  return { ...site, url: 'url' in target ? target.url : site.url };
}
