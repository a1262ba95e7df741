import net from 'node:net';
import { z } from 'zod';

/**
 * The fields channel configs are made of, with messages that name what is wrong the way `lib/schemas.ts` does
 * (the caller prefixes the field name: `url must start with http:// or https://`).
 */

const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * An http(s) URL without credentials (they belong in a token field, which is stored as a secret). `base`
 * drops a trailing slash, for service roots that paths are appended to.
 */
export function httpUrlField(options: { base?: boolean } = {}) {
  return z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, 'is required')
    .max(2048, 'must be at most 2048 characters')
    .superRefine((value, ctx) => {
      let u: URL;
      try {
        u = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
        return;
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', message: 'must start with http:// or https://' });
      } else if (u.username !== '' || u.password !== '') {
        ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
      } else if (options.base === true && (u.search !== '' || u.hash !== '')) {
        ctx.addIssue({ code: 'custom', message: 'must be the server address, without ? or #' });
      }
    })
    .transform((value) => {
      const href = new URL(value).href;
      return options.base === true ? href.replace(/\/+$/, '') : href;
    });
}

/**
 * A token, key or password: one line, at most `max` characters. Tokens are refused with spaces at their ends
 * (a paste accident); a password may have them.
 */
export function secretField(max = 512, options: { spacesAtEnds?: boolean } = {}) {
  return z
    .string({ error: 'is required and must be a string' })
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !CONTROL_CHARS.test(v), 'must be on one line, without control characters')
    .refine((v) => options.spacesAtEnds === true || v.trim() === v, 'must not start or end with spaces');
}

/** A single-line text such as a chat id or a topic, matched against `pattern`. */
export function tokenField(pattern: RegExp, message: string, max = 256) {
  return z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .regex(pattern, message);
}

export const emailField = z
  .string({ error: 'must be an email address' })
  .trim()
  .pipe(z.email({ error: 'must be an email address like alerts@example.com' }));

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^${LABEL}(\\.${LABEL})*\\.?$`);

/** A host name or IP address (no scheme, port or path). */
export const hostField = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .min(1, 'is required')
  .max(253, 'must be at most 253 characters')
  .refine(
    (v) => net.isIP(v.replace(/^\[|\]$/g, '')) !== 0 || HOST_NAME.test(v),
    'must be a host name or an IP address, without scheme or port (example: smtp.example.com)',
  )
  .transform((v) => v.replace(/^\[|\]$/g, ''));

export const portField = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(65535, 'must be at most 65535');

/** Header names the channel sets itself; a config cannot override them. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
  'user-agent',
  'idempotency-key',
  'x-upbeat-timestamp',
  'x-upbeat-signature',
]);
const HEADER_LIMITS = { count: 20, nameLength: 64, valueLength: 1024 } as const;

/** Extra request headers, e.g. an `Authorization` the receiver wants; the values are stored as secrets. */
export const headersField = z
  .record(z.string(), z.string({ error: 'each header value must be a string' }), {
    error: 'must be an object of header names to string values',
  })
  .superRefine((headers, ctx) => {
    const entries = Object.entries(headers);
    if (entries.length > HEADER_LIMITS.count) {
      ctx.addIssue({ code: 'custom', message: `must have at most ${HEADER_LIMITS.count} headers` });
    }
    for (const [name, value] of entries) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || name.length > HEADER_LIMITS.nameLength) {
        ctx.addIssue({ code: 'custom', message: `"${name.slice(0, 40)}" is not a valid header name` });
      } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
        ctx.addIssue({ code: 'custom', message: `"${name}" is set by Upbeat and cannot be overridden` });
      } else if (value.length > HEADER_LIMITS.valueLength || /[\r\n\0]/.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `the value of "${name}" must be at most ${HEADER_LIMITS.valueLength} characters on one line`,
        });
      }
    }
  });

/** A config object: exact fields, unknown ones refused. */
export function configObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a JSON object'),
  });
}
