import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { importKumaBackup } from '../../../lib/config-file/import/kuma-json';

const fixture = fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/import/kuma-backup.json'), 'utf8');

test('a Kuma 1.x JSON backup: monitors and notifications mapped, the rest reported by name', () => {
  const { document: doc, secrets, notCarried } = importKumaBackup(fixture);
  const site = (key: string) => doc.sites?.find((s) => s.key === key);
  assert.deepEqual(site('website'), {
    key: 'website', name: 'Website', intervalSeconds: 45, confirmAfter: 2, retryIntervalSeconds: 20, timeoutMs: 36000,
    url: 'https://www.example.com/', method: 'GET', expectedStatus: '200-299', channels: ['team-discord', 'hook'],
  });
  assert.deepEqual(site('docs-keyword')?.assertions, [{ type: 'body-contains', value: 'Welcome' }]);
  assert.equal(site('docs-keyword')?.confirmAfter, 1);
  assert.deepEqual(site('health-json')?.assertions, [{ type: 'json-path', path: '$.checks[0].ok', op: '==', value: true }]);
  assert.deepEqual([site('ssh')?.kind, site('ssh')?.url, site('ssh')?.channels], ['tcp', 'tcp://bastion.example.com:22', undefined]);
  assert.deepEqual([site('cron')?.kind, site('cron')?.intervalSeconds], ['push', 300]);
  assert.deepEqual([site('resolver')?.kind, site('resolver')?.dnsRecordType, site('resolver')?.dnsServer], ['dns', 'AAAA', '9.9.9.9']);
  assert.equal(site('postgres'), undefined);

  const hook = doc.channels?.find((c) => c.key === 'hook');
  assert.deepEqual(hook, {
    key: 'hook', name: 'Hook', type: 'webhook', isDefault: true,
    config: {
      url: '${UPBEAT_CHANNEL_HOOK_URL}', secret: '${UPBEAT_CHANNEL_HOOK_SECRET}',
      headers: { 'X-Token': '${UPBEAT_CHANNEL_HOOK_HEADER_X_TOKEN}', 'X-Team': 'ops' },
    },
  });
  assert.equal(secrets.UPBEAT_CHANNEL_HOOK_URL, 'https://hooks.example.com/kuma');
  assert.equal(secrets.UPBEAT_CHANNEL_HOOK_HEADER_X_TOKEN, 'abc123');
  assert.deepEqual(doc.channels?.map((c) => c.key), ['team-discord', 'hook']);
  assert.equal(doc.statusPages, undefined);

  assert.deepEqual(
    notCarried.map((n) => `${n.what}|${n.name}`),
    [
      'notification setting|Hook: body',
      'notification|Signal',
      'monitor setting|Docs keyword: tags',
      'monitor setting|Cron: push token',
      'monitor|Postgres',
      'status pages|(all)',
    ],
  );
  assert.match(notCarried.find((n) => n.name === 'Postgres')!.reason, /no postgres check/);
  assert.match(notCarried.find((n) => n.name === 'Signal')!.reason, /no signal channel/);
});

test('no secret value of the source is written into the document', () => {
  const { document: doc, secrets } = importKumaBackup(fixture);
  const text = JSON.stringify(doc);
  for (const [name, value] of Object.entries(secrets)) assert.ok(!text.includes(value), `${name} leaked into the document`);
});

test('a file that is not a Kuma backup is refused, naming what is missing', () => {
  assert.throws(() => importKumaBackup('{"hello":1}'), /has no monitorList/);
  assert.throws(() => importKumaBackup('not json'), /is not JSON/);
});
