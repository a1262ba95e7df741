import type { ChannelInput } from './assemble';
import type { KumaNotification } from './kuma-map';
import { envName, placeholder, SECRET_HEADER, type ImportReport, type KeyMaker } from './report';
import { randomBytes } from 'node:crypto';

/**
 * One Kuma notification → one Upbeat channel, for the providers both have. Every credential goes to the
 * environment: the document holds `${UPBEAT_CHANNEL_<KEY>_<FIELD>}` and the value stays in `secrets`.
 */

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** `"Upbeat" <ops@example.com>` → `ops@example.com`. */
const address = (v: string) => /<([^>]+)>/.exec(v)?.[1]?.trim() ?? v.trim();
const addresses = (v: unknown) =>
  str(v)
    .split(/[,;]/)
    .map((a) => address(a))
    .filter((a) => a !== '');

export function mapKumaNotification(
  n: KumaNotification,
  keys: KeyMaker,
  secrets: Record<string, string>,
  report: ImportReport,
): ChannelInput | null {
  const c = n.config;
  const type = str(c.type);
  const part = (field: string, reason: string) => report.add('notification setting', `${n.name}: ${field}`, reason);
  const key = keys.make(n.name);
  const secret = (field: string, value: string) => placeholder(secrets, envName('channel', key, field), value);
  let channel: Pick<ChannelInput, 'type' | 'config'>;
  switch (type) {
    case 'webhook': {
      const config: Record<string, unknown> = {
        url: secret('url', str(c.webhookURL)),
        // Upbeat signs every webhook; Kuma's receivers never checked a signature, so a fresh secret costs nothing.
        secret: secret('secret', randomBytes(24).toString('base64url')),
      };
      const extra = str(c.webhookAdditionalHeaders);
      if (extra !== '') {
        try {
          const parsed = JSON.parse(extra) as Record<string, unknown>;
          config.headers = Object.fromEntries(
            Object.entries(parsed).map(([k, v]) => [k, SECRET_HEADER.test(k) ? secret(`header-${k}`, String(v)) : String(v)]),
          );
        } catch {
          part('additional headers', 'not a JSON object, so none carry over');
        }
      }
      const body = str(c.webhookContentType);
      if (body !== '' && body !== 'json') {
        part('body', `Upbeat posts its own signed JSON, not Kuma's ${body} body`);
      }
      channel = { type: 'webhook', config };
      break;
    }
    case 'smtp': {
      const user = str(c.smtpUsername);
      const password = str(c.smtpPassword);
      const config: Record<string, unknown> = {
        host: str(c.smtpHost),
        tls: c.smtpSecure === true || c.smtpSecure === 'true' ? 'tls' : 'starttls',
        from: address(str(c.smtpFrom)),
        to: addresses(c.smtpTo),
      };
      const port = Number(c.smtpPort);
      if (Number.isInteger(port) && port > 0) config.port = port;
      if (user !== '') config.user = user;
      if (password !== '') config.password = secret('password', password);
      if (str(c.smtpCC) !== '' || str(c.smtpBCC) !== '') part('cc/bcc', 'Upbeat sends to the To addresses only');
      if (c.smtpIgnoreTLSError === true) part('ignore TLS errors', 'Upbeat always checks the SMTP server certificate');
      if (str(c.customSubject) !== '' || str(c.customBody) !== '') part('template', 'Upbeat writes its own subject and body');
      channel = { type: 'email', config };
      break;
    }
    case 'slack':
      channel = { type: 'slack', config: { webhookUrl: secret('webhookUrl', str(c.slackwebhookURL)) } };
      if (str(c.slackchannel) !== '' || str(c.slackusername) !== '') part('channel/username', "the webhook's own channel and name are used");
      break;
    case 'discord':
      channel = { type: 'discord', config: { webhookUrl: secret('webhookUrl', str(c.discordWebhookUrl)) } };
      break;
    case 'teams':
      channel = { type: 'teams', config: { webhookUrl: secret('webhookUrl', str(c.webhookUrl)) } };
      break;
    case 'telegram':
      channel = { type: 'telegram', config: { botToken: secret('botToken', str(c.telegramBotToken)), chatId: str(c.telegramChatID) } };
      break;
    case 'ntfy': {
      const config: Record<string, unknown> = { topic: str(c.ntfytopic) };
      if (str(c.ntfyserverurl) !== '') config.serverUrl = str(c.ntfyserverurl);
      if (str(c.ntfyaccesstoken) !== '') config.token = secret('token', str(c.ntfyaccesstoken));
      else if (str(c.ntfyusername) !== '') part('user and password', 'Upbeat authenticates to ntfy with an access token; set config.token');
      channel = { type: 'ntfy', config };
      break;
    }
    case 'gotify':
      channel = { type: 'gotify', config: { serverUrl: str(c.gotifyserverurl), token: secret('token', str(c.gotifyapplicationToken)) } };
      break;
    case 'pushover': {
      const config: Record<string, unknown> = {
        appToken: secret('appToken', str(c.pushoverapptoken)),
        userKey: secret('userKey', str(c.pushoveruserkey)),
      };
      if (str(c.pushoverdevice) !== '') config.device = str(c.pushoverdevice);
      channel = { type: 'pushover', config };
      break;
    }
    default:
      report.add('notification', n.name, `Upbeat has no ${type || 'unknown'} channel (it has webhook, email, slack, discord, teams, telegram, ntfy, gotify, pushover)`);
      return null;
  }
  const out: ChannelInput = { key, name: n.name.trim().slice(0, 100) || key, ...channel };
  if (n.isDefault) out.isDefault = true;
  if (!n.active) out.enabled = false;
  return out;
}
