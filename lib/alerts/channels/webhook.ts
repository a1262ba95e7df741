import crypto from 'node:crypto';
import type { z } from 'zod';
import { defineChannel } from '../channel';
import { configObject, headersField, httpUrlField, secretField } from '../config-fields';
import type { AlertEvent } from '../event';
import { postToService } from '../http';
import { composeMessage } from '../message';
import { renderText } from '../render';
import { formatInstant } from '../words';

/**
 * A generic webhook: the event as documented JSON, signed so the receiver can tell it came from this Upbeat
 * and was not replayed. See lib/alerts/README.md for the payload and how to verify the signature.
 */

/** Bumped when a field changes meaning or goes away; new fields may appear without a bump. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

const configSchema = configObject({
  url: httpUrlField(),
  /** Signs every request; the receiver holds the same secret. */
  secret: secretField(256).refine((v) => v.length >= 16, 'must be at least 16 characters'),
  headers: headersField.optional(),
});

export type WebhookConfig = z.output<typeof configSchema>;

/**
 * The JSON body: the event's own fields (times as ISO 8601 UTC) plus `version`, and the message already in
 * words (`title`, `text`) for receivers that just forward it.
 */
export function webhookPayload(event: AlertEvent): Record<string, unknown> {
  const message = composeMessage(event);
  const { kind, idempotencyKey, at, ...rest } = event;
  const fields: Record<string, unknown> = { ...rest };
  if ('since' in event) fields.since = formatInstant(event.since);
  if (event.kind === 'cert-expiry') {
    fields.certificate = { ...event.certificate, expiresAt: formatInstant(event.certificate.expiresAt) };
  }
  if (event.kind === 'storm' || event.kind === 'network') {
    fields.group = { ...event.group, sites: event.group.sites.map((s) => ({ ...s, since: formatInstant(s.since) })) };
  }
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    kind,
    idempotencyKey,
    at: formatInstant(at),
    ...fields,
    title: message.title,
    text: renderText(message, { title: false }),
  };
}

/** `sha256=<hex>`: HMAC-SHA256 of `<timestamp>.<body>` with the channel's secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const webhookChannel = defineChannel<WebhookConfig>({
  type: 'webhook',
  label: 'Webhook',
  configSchema,
  secretFields: ['url', 'secret', 'headers'],
  targets: (config) => [config.url],
  async send(config, event, ctx) {
    const body = JSON.stringify(webhookPayload(event));
    // Signed at send time, not at the event's time: a retry an hour later must still pass a receiver's
    // freshness check, and the idempotency key (not the timestamp) is what identifies the delivery.
    const timestamp = String(Math.floor(Date.now() / 1000));
    return postToService(
      {
        url: config.url,
        headers: {
          ...config.headers,
          'content-type': 'application/json',
          'user-agent': 'Upbeat',
          'idempotency-key': event.idempotencyKey,
          'x-upbeat-timestamp': timestamp,
          'x-upbeat-signature': signWebhook(config.secret, timestamp, body),
        },
        body,
      },
      ctx,
    );
  },
});
