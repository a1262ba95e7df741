import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { importKumaDb } from '../../../lib/config-file/import/kuma-db';
import { writeKumaDb } from '../../helpers/kuma-db';
import { tempDir } from '../../helpers/temp-store';

const notification = (name: string, config: Record<string, unknown>, extra: Record<string, number> = {}) => ({
  name,
  config: JSON.stringify({ name, ...config }),
  user_id: 1,
  ...extra,
});

function buildKuma(file: string): void {
  writeKumaDb(file, {
    monitor: [
      {
        id: 1, name: 'Shop API', type: 'http', url: 'https://shop.example.com/health', interval: 30, retry_interval: 15,
        maxretries: 2, timeout: 12.5, resend_interval: 10, accepted_statuscodes_json: '["200-299","301","999"]', method: 'POST',
        body: '{"ping":true}', http_body_encoding: 'json', headers: '{"X-Env":"prod","Authorization":"Bearer s3cret"}',
        ignore_tls: 1, maxredirects: 0, description: 'the shop', tls_ca: null,
      },
      { id: 2, name: 'Landing', type: 'keyword', url: 'https://example.com/', keyword: 'Maintenance', invert_keyword: 1, active: 0 },
      {
        id: 3, name: 'Status JSON', type: 'json-query', url: 'https://example.com/status.json', json_path: 'data.state',
        expected_value: 'ok', basic_auth_user: 'bob', basic_auth_pass: 'pw', auth_method: 'basic',
      },
      { id: 4, name: 'Postgres port', type: 'port', hostname: 'db.example.com', port: 5432, interval: 60 },
      { id: 5, name: 'Mail MX', type: 'dns', hostname: 'example.com', dns_resolve_type: 'MX', dns_resolve_server: '1.1.1.1', dns_resolve_port: 5353 },
      { id: 6, name: 'Nightly job', type: 'push', push_token: 'abcdef', interval: 3600 },
      { id: 7, name: 'Core', type: 'group' },
      { id: 8, name: 'Gateway', type: 'http', url: 'https://gw.example.com/', parent: 7, maxretries: 20 },
      { id: 9, name: 'Router ping', type: 'ping', hostname: '192.0.2.1' },
      { id: 10, name: 'Inverted', type: 'http', url: 'https://down.example.com/', upside_down: 1 },
      { id: 11, name: 'Odd JSON', type: 'json-query', url: 'https://example.com/x', json_path: '$sum(items.price)', expected_value: '10' },
      { id: 12, name: 'CAA record', type: 'dns', hostname: 'example.com', dns_resolve_type: 'CAA' },
      { id: 13, name: 'Queue depth', type: 'json-query', url: 'https://example.com/q', json_path: '$.depth', json_path_operator: '<', expected_value: '5' },
      { id: 14, name: 'Version', type: 'json-query', url: 'https://example.com/v', json_path: 'version', json_path_operator: 'contains', expected_value: '2.' },
    ],
    notification: [
      notification('Ops Slack', { type: 'slack', slackwebhookURL: 'https://hooks.slack.com/services/T0/B0/XYZ', slackchannel: '#ops' }, { is_default: 1 }),
      notification('Oncall Telegram', { type: 'telegram', telegramBotToken: '123456:AAEabc_def', telegramChatID: '-100123' }),
      notification('Mail', {
        type: 'smtp', smtpHost: 'smtp.example.com', smtpPort: 465, smtpSecure: true, smtpUsername: 'mon', smtpPassword: 'mailpw',
        smtpFrom: '"Kuma" <kuma@example.com>', smtpTo: 'a@example.com, b@example.com', smtpBCC: 'c@example.com',
      }),
      notification('Hook', { type: 'webhook', webhookURL: 'https://hooks.example.com/in', webhookContentType: 'json' }),
      notification('Phone', { type: 'pushover', pushoverapptoken: 'a'.repeat(30), pushoveruserkey: 'u'.repeat(30), pushoverdevice: 'pixel' }),
      notification('Ntfy', { type: 'ntfy', ntfyserverurl: 'https://ntfy.example.com', ntfytopic: 'alerts', ntfyaccesstoken: 'tk_123' }),
      notification('Gotify', { type: 'gotify', gotifyserverurl: 'https://gotify.example.com', gotifyapplicationToken: 'Agt0k' }),
      notification('Discord', { type: 'discord', discordWebhookUrl: 'https://discord.com/api/webhooks/1/abc' }, { active: 0 }),
      notification('Teams', { type: 'teams', webhookUrl: 'https://example.webhook.office.com/x' }),
      notification('Matrix room', { type: 'matrix', homeserverUrl: 'https://matrix.example.com' }),
    ],
    monitor_notification: [
      { monitor_id: 1, notification_id: 1 },
      { monitor_id: 1, notification_id: 2 },
      { monitor_id: 4, notification_id: 3 },
      { monitor_id: 8, notification_id: 10 },
      { monitor_id: 7, notification_id: 1 },
    ],
    tag: [{ id: 1, name: 'team', color: '#fff' }],
    monitor_tag: [{ monitor_id: 1, tag_id: 1, value: 'payments' }],
    status_page: [{ id: 1, slug: 'public', title: 'Example status', description: 'All of it', icon: '/icon.svg', theme: 'light', password: 'x', custom_css: 'body{}' }],
    status_page_cname: [{ status_page_id: 1, domain: 'status.example.com' }],
    group: [
      { id: 1, name: 'Services', status_page_id: 1, weight: 1 },
      { id: 2, name: 'Core', status_page_id: 1, weight: 2 },
    ],
    monitor_group: [
      { monitor_id: 1, group_id: 1, weight: 1 },
      { monitor_id: 9, group_id: 1, weight: 2 },
      { monitor_id: 8, group_id: 2, weight: 1 },
    ],
  });
}

test('a kuma.db: every supported monitor, notification and status page is mapped field by field', (t) => {
  const file = path.join(tempDir(t), 'kuma.db');
  buildKuma(file);
  const before = fs.readFileSync(file);
  const { document: doc, secrets, notCarried } = importKumaDb(file);
  assert.deepEqual(fs.readFileSync(file), before, 'the Kuma file is opened read-only');

  const site = (key: string) => doc.sites?.find((s) => s.key === key);
  assert.deepEqual(site('shop-api'), {
    key: 'shop-api', name: 'Shop API', intervalSeconds: 30, confirmAfter: 3, retryIntervalSeconds: 15, remindEveryMinutes: 5,
    timeoutMs: 12500, url: 'https://shop.example.com/health', method: 'POST', expectedStatus: '200-299,301', followRedirects: false,
    tlsVerify: false, headers: { 'X-Env': 'prod', Authorization: '${UPBEAT_SITE_SHOP_API_HEADER_AUTHORIZATION}' },
    requestBody: '{"ping":true}', requestContentType: 'application/json', channels: ['ops-slack', 'oncall-telegram'],
  });
  assert.equal(secrets.UPBEAT_SITE_SHOP_API_HEADER_AUTHORIZATION, 'Bearer s3cret');
  assert.deepEqual(site('landing')?.assertions, [{ type: 'body-not-contains', value: 'Maintenance' }]);
  assert.equal(site('landing')?.paused, true);
  assert.deepEqual(site('status-json')?.assertions, [{ type: 'json-path', path: '$.data.state', op: '==', value: 'ok' }]);
  assert.equal(secrets.UPBEAT_SITE_STATUS_JSON_HEADER_AUTHORIZATION, `Basic ${Buffer.from('bob:pw').toString('base64')}`);
  assert.deepEqual(
    { kind: site('postgres-port')?.kind, url: site('postgres-port')?.url, interval: site('postgres-port')?.intervalSeconds },
    { kind: 'tcp', url: 'tcp://db.example.com:5432', interval: 60 },
  );
  assert.deepEqual(
    { kind: site('mail-mx')?.kind, url: site('mail-mx')?.url, type: site('mail-mx')?.dnsRecordType, server: site('mail-mx')?.dnsServer },
    { kind: 'dns', url: 'dns://example.com', type: 'MX', server: '1.1.1.1:5353' },
  );
  assert.deepEqual({ kind: site('nightly-job')?.kind, interval: site('nightly-job')?.intervalSeconds }, { kind: 'push', interval: 3600 });
  assert.deepEqual(site('queue-depth')?.assertions, [{ type: 'json-path', path: '$.depth', op: '<', value: 5 }]);
  assert.equal(site('version')?.assertions, undefined);
  assert.equal(site('gateway')?.group, 'core');
  assert.equal(site('gateway')?.confirmAfter, 10);

  const channel = (key: string) => doc.channels?.find((c) => c.key === key);
  assert.deepEqual(channel('ops-slack'), {
    key: 'ops-slack', name: 'Ops Slack', type: 'slack', isDefault: true, config: { webhookUrl: '${UPBEAT_CHANNEL_OPS_SLACK_WEBHOOK_URL}' },
  });
  assert.equal(secrets.UPBEAT_CHANNEL_OPS_SLACK_WEBHOOK_URL, 'https://hooks.slack.com/services/T0/B0/XYZ');
  assert.deepEqual(channel('oncall-telegram')?.config, { botToken: '${UPBEAT_CHANNEL_ONCALL_TELEGRAM_BOT_TOKEN}', chatId: '-100123' });
  assert.deepEqual(channel('mail')?.config, {
    host: 'smtp.example.com', tls: 'tls', from: 'kuma@example.com', to: ['a@example.com', 'b@example.com'], port: 465,
    user: 'mon', password: '${UPBEAT_CHANNEL_MAIL_PASSWORD}',
  });
  assert.equal(secrets.UPBEAT_CHANNEL_MAIL_PASSWORD, 'mailpw');
  assert.equal(channel('hook')?.type, 'webhook');
  assert.ok((secrets.UPBEAT_CHANNEL_HOOK_SECRET ?? '').length >= 16, 'a signing secret is made for the webhook');
  assert.deepEqual(channel('phone')?.config, { appToken: '${UPBEAT_CHANNEL_PHONE_APP_TOKEN}', userKey: '${UPBEAT_CHANNEL_PHONE_USER_KEY}', device: 'pixel' });
  assert.deepEqual(channel('ntfy')?.config, { topic: 'alerts', serverUrl: 'https://ntfy.example.com', token: '${UPBEAT_CHANNEL_NTFY_TOKEN}' });
  assert.deepEqual(channel('gotify')?.config, { serverUrl: 'https://gotify.example.com', token: '${UPBEAT_CHANNEL_GOTIFY_TOKEN}' });
  assert.equal(channel('discord')?.enabled, false);
  assert.equal(channel('teams')?.type, 'teams');
  assert.equal(channel('matrix-room'), undefined);

  assert.deepEqual(doc.groups, [{ key: 'core', name: 'Core' }, { key: 'services', name: 'Services' }]);
  assert.deepEqual(doc.statusPages, [
    {
      key: 'public', title: 'Example status', description: 'All of it',
      sites: [{ site: 'shop-api', group: 'services' }, { site: 'gateway', group: 'core' }],
    },
  ]);

  const reasons = new Map(notCarried.map((n) => [`${n.what}|${n.name}`, n.reason]));
  for (const expected of [
    'monitor|Router ping', 'monitor|Inverted', 'monitor|CAA record', 'monitor setting|Odd JSON: json query',
    'notification|Matrix room', 'monitor setting|Shop API: tags', 'monitor setting|Shop API: description',
    'monitor setting|Gateway: retries', 'monitor setting|Shop API: accepted status code 999', 'monitor setting|Version: json query', 'monitor setting|Core: notifications', 'monitor setting|Nightly job: push token', 'notification setting|Ops Slack: channel/username',
    'notification setting|Mail: cc/bcc', 'status page setting|Example status: password', 'status page setting|Example status: custom CSS',
    'status page setting|Example status: domains', 'status page setting|Example status: monitor Router ping',
  ]) {
    assert.ok(reasons.has(expected), `reported: ${expected}\n${[...reasons.keys()].join('\n')}`);
  }
  assert.match(reasons.get('monitor|Router ping')!, /no ping check/);
  assert.match(reasons.get('monitor setting|Odd JSON: json query')!, /JSONata/);
  // Every source object is accounted for: carried over, or named in the list.
  assert.equal(doc.sites?.length, 10);
  assert.equal(notCarried.filter((n) => n.what === 'monitor').length, 3);
});

test('a file that is not a Kuma database is refused, naming the problem', (t) => {
  const dir = tempDir(t);
  const junk = path.join(dir, 'junk.db');
  fs.writeFileSync(junk, 'not sqlite at all');
  assert.throws(() => importKumaDb(junk), (err: Error & { code?: string }) => err.code === 'validation' && /Kuma database/.test(err.message));
  assert.throws(() => importKumaDb(path.join(dir, 'missing.db')), /cannot be opened/);
});
