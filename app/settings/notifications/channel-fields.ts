/**
 * The fields the form shows for each channel type. The server validates with the type's own schema
 * (lib/alerts/channels/*) and names bad fields `config.<name>`; this only decides how each field is asked for.
 */

export type FieldKind = 'text' | 'secret' | 'number' | 'select' | 'list' | 'headers';

export interface ChannelField {
  name: string;
  label: string;
  kind: FieldKind;
  required?: boolean;
  placeholder?: string;
  hint?: string;
  options?: readonly string[];
}

const serviceWebhook = (placeholder: string): ChannelField[] => [
  { name: 'webhookUrl', label: 'Webhook URL', kind: 'secret', required: true, placeholder },
];

export const CHANNEL_FORMS: Record<string, { label: string; fields: ChannelField[] }> = {
  webhook: {
    label: 'Webhook',
    fields: [
      { name: 'url', label: 'URL', kind: 'secret', required: true, placeholder: 'https://example.com/upbeat-hook' },
      {
        name: 'secret',
        label: 'Signing secret',
        kind: 'secret',
        required: true,
        hint: 'At least 16 characters. Each request carries an HMAC-SHA256 signature made with it.',
      },
      { name: 'headers', label: 'Extra headers', kind: 'headers', hint: 'One per line: Name: value' },
    ],
  },
  email: {
    label: 'Email (SMTP)',
    fields: [
      { name: 'host', label: 'SMTP host', kind: 'text', required: true, placeholder: 'smtp.example.com' },
      { name: 'port', label: 'Port', kind: 'number', hint: 'Default: 465 for TLS, 587 for STARTTLS, 25 for none' },
      { name: 'tls', label: 'TLS', kind: 'select', options: ['starttls', 'tls', 'none'] },
      { name: 'user', label: 'User', kind: 'text' },
      { name: 'password', label: 'Password', kind: 'secret' },
      { name: 'from', label: 'From', kind: 'text', required: true, placeholder: 'upbeat@example.com' },
      { name: 'to', label: 'To', kind: 'list', required: true, hint: 'One address per line or comma-separated' },
    ],
  },
  slack: { label: 'Slack', fields: serviceWebhook('https://hooks.slack.com/services/…') },
  discord: { label: 'Discord', fields: serviceWebhook('https://discord.com/api/webhooks/…') },
  teams: { label: 'Microsoft Teams', fields: serviceWebhook('https://….logic.azure.com/workflows/…') },
  telegram: {
    label: 'Telegram',
    fields: [
      { name: 'botToken', label: 'Bot token', kind: 'secret', required: true, placeholder: '123456789:AAE…' },
      { name: 'chatId', label: 'Chat id', kind: 'text', required: true, placeholder: '-100… or @channel' },
      { name: 'apiBaseUrl', label: 'API base URL', kind: 'text', placeholder: 'https://api.telegram.org' },
    ],
  },
  ntfy: {
    label: 'ntfy',
    fields: [
      { name: 'serverUrl', label: 'Server URL', kind: 'text', placeholder: 'https://ntfy.sh' },
      { name: 'topic', label: 'Topic', kind: 'text', required: true },
      { name: 'token', label: 'Access token', kind: 'secret' },
    ],
  },
  gotify: {
    label: 'Gotify',
    fields: [
      { name: 'serverUrl', label: 'Server URL', kind: 'text', required: true, placeholder: 'https://gotify.example.com' },
      { name: 'token', label: 'Application token', kind: 'secret', required: true },
    ],
  },
  pushover: {
    label: 'Pushover',
    fields: [
      { name: 'appToken', label: 'Application token', kind: 'secret', required: true },
      { name: 'userKey', label: 'User key', kind: 'secret', required: true },
      { name: 'device', label: 'Device', kind: 'text' },
      { name: 'apiBaseUrl', label: 'API base URL', kind: 'text', placeholder: 'https://api.pushover.net' },
    ],
  },
};

export const CHANNEL_TYPES = Object.keys(CHANNEL_FORMS);

/** Form text for a stored (masked) config value. */
export function textOf(field: ChannelField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.kind === 'list' && Array.isArray(value)) return value.join('\n');
  if (field.kind === 'headers' && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join('\n');
  }
  return String(value);
}

/** The config value for a field's text; undefined leaves the field out (an optional field left empty). */
export function valueOf(field: ChannelField, text: string): unknown {
  const t = text.trim();
  if (t === '' && field.kind !== 'headers') return undefined;
  switch (field.kind) {
    case 'number':
      return Number.isFinite(Number(t)) ? Number(t) : t;
    case 'list':
      return t.split(/[\n,]+/).map((s) => s.trim()).filter((s) => s !== '');
    case 'headers': {
      if (t === '') return undefined;
      const headers: Record<string, string> = {};
      for (const line of t.split('\n')) {
        const at = line.indexOf(':');
        if (line.trim() === '') continue;
        if (at < 1) headers[line.trim()] = '';
        else headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      return headers;
    }
    case 'secret':
      return text === '' ? undefined : text;
    default:
      return t;
  }
}
