import crypto from 'node:crypto';
import net from 'node:net';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { codesOf, kindOfCode } from '../../monitor/classify';
import { ADDRESS_REFUSED } from '../../monitor/connector';
import { defineChannel, type SendOutcome } from '../channel';
import { configObject, emailField, hostField, portField, secretField } from '../config-fields';
import { defaultTargetGuard } from '../guard';
import { clip, MAX_ERROR_TEXT } from '../http';
import { composeMessage } from '../message';
import { renderEmailHtml, renderText } from '../render';
import { formatLatency } from '../words';

/**
 * Email over SMTP with nodemailer. The SMTP host is resolved and vetted by the target policy first, and the
 * connection goes to that vetted address (the name still checks the certificate), so a host that later
 * resolves to a metadata address cannot be reached through this channel either.
 */

export const SMTP_TLS_MODES = ['tls', 'starttls', 'none'] as const;

/** The usual port for each mode: 465 implicit TLS, 587 submission with STARTTLS, 25 plain. */
export const DEFAULT_SMTP_PORT: Record<(typeof SMTP_TLS_MODES)[number], number> = { tls: 465, starttls: 587, none: 25 };

const MAX_RECIPIENTS = 20;

const configSchema = configObject({
  host: hostField,
  port: portField.optional(),
  tls: z.enum(SMTP_TLS_MODES, { error: `must be one of ${SMTP_TLS_MODES.join(', ')}` }).default('starttls'),
  user: z.string({ error: 'must be a string' }).trim().max(256, 'must be at most 256 characters').optional(),
  password: secretField(512, { spacesAtEnds: true }).optional(),
  from: emailField,
  to: z
    .array(emailField, { error: 'must be a list of email addresses' })
    .min(1, 'must name at least one address')
    .max(MAX_RECIPIENTS, `must name at most ${MAX_RECIPIENTS} addresses`),
})
  .superRefine((c, ctx) => {
    const hasUser = c.user !== undefined && c.user !== '';
    if (c.password !== undefined && !hasUser) {
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'is required when a password is set' });
    }
    if (hasUser && c.password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'is required when a user is set' });
    }
  })
  .transform((c) => ({ ...c, port: c.port ?? DEFAULT_SMTP_PORT[c.tls] }));

export type EmailConfig = z.output<typeof configSchema>;

/** Not worth retrying: the server refused the login, the addresses or the message, or TLS cannot be agreed. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EENVELOPE', 'EMESSAGE', 'ETLS', ADDRESS_REFUSED]);

/**
 * A Message-ID derived from the idempotency key: a retry of the same delivery carries the same id, so mail
 * systems that deduplicate by it (and people) see one message.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const hash = crypto.createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  const domain = from.slice(from.lastIndexOf('@') + 1) || 'upbeat.invalid';
  return `<upbeat.${hash}@${domain}>`;
}

export const emailChannel = defineChannel<EmailConfig>({
  type: 'email',
  label: 'Email (SMTP)',
  configSchema,
  secretFields: ['password'],
  targets: (config) => [`smtp://${net.isIP(config.host) === 6 ? `[${config.host}]` : config.host}:${config.port}`],
  async send(config, event, ctx) {
    const resolveTarget = ctx.resolveTarget ?? defaultTargetGuard().resolveTarget;
    let address: string;
    try {
      address = await resolveTarget(config.host);
    } catch (err) {
      return failure(err);
    }
    const message = composeMessage(event);
    const transport = nodemailer.createTransport({
      host: address,
      port: config.port,
      secure: config.tls === 'tls',
      requireTLS: config.tls === 'starttls',
      ignoreTLS: config.tls === 'none',
      // The certificate is checked against the name the user gave, not the address dialled.
      servername: net.isIP(config.host) === 0 ? config.host : undefined,
      auth: config.user !== undefined && config.user !== '' ? { user: config.user, pass: config.password } : undefined,
      tls: { ca: ctx.ca as string | string[] | undefined, minVersion: 'TLSv1.2' },
      connectionTimeout: ctx.timeoutMs,
      greetingTimeout: ctx.timeoutMs,
      socketTimeout: ctx.timeoutMs,
    });
    // One bound on the whole exchange, as for the HTTP channels: the per-phase timeouts alone could add up.
    const deadline = AbortSignal.timeout(ctx.timeoutMs);
    try {
      const info = await transport.sendMail({
        from: { name: 'Upbeat', address: config.from },
        to: config.to,
        subject: message.title,
        text: renderText(message),
        html: renderEmailHtml(message),
        messageId: messageIdFor(event.idempotencyKey, config.from),
        headers: { 'X-Upbeat-Idempotency-Key': event.idempotencyKey, 'X-Upbeat-Event': event.kind },
        signal: deadline,
      });
      const response = typeof info.response === 'string' ? info.response : '';
      return { delivered: true, status: replyCode(response), detail: clip(response, MAX_ERROR_TEXT) };
    } catch (err) {
      if (deadline.aborted) {
        return { delivered: false, retryable: true, status: null, error: `timed out after ${formatLatency(ctx.timeoutMs)}` };
      }
      return failure(err);
    } finally {
      transport.close();
    }
  },
});

function replyCode(response: string): number | null {
  const m = /^(\d{3})\b/.exec(response);
  return m ? Number(m[1]) : null;
}

/**
 * SMTP 4xx is "try again later", 5xx is final (but 503, a command out of sequence, which a new connection
 * clears); without a reply, the code decides. Nodemailer replaces a socket error's code with the step that
 * failed (`ESOCKET`) and keeps Node's own in `originalCode`, which says what happened (`ECONNREFUSED`).
 */
function failure(err: unknown): SendOutcome {
  const e = (err ?? {}) as { responseCode?: unknown; response?: unknown; message?: unknown; originalCode?: unknown };
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  const codes = codesOf(err);
  const permanent = status !== null ? status >= 500 && status !== 503 : codes.some((c) => PERMANENT_CODES.has(c));
  const serverText = typeof e.response === 'string' && e.response !== '' ? e.response : null;
  let error = serverText ?? (typeof e.message === 'string' ? e.message : String(err));
  if (codes.includes(ADDRESS_REFUSED)) error = `blocked: ${error}`;
  else if (serverText === null) {
    const code = typeof e.originalCode === 'string' ? e.originalCode : (codes[0] ?? null);
    const kind = code !== null ? kindOfCode(code) : null;
    if (code !== null && !error.includes(code)) error = `${error} (${code})`;
    if (kind !== null) error = `${kind}: ${error}`;
  }
  return { delivered: false, retryable: !permanent, status, error: clip(error.replace(/\s+/g, ' ').trim(), MAX_ERROR_TEXT) };
}
