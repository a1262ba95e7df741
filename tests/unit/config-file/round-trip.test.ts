import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../../db';
import { listChannels } from '../../../lib/channels';
import { applyPlan } from '../../../lib/config-file/apply';
import { exportConfig } from '../../../lib/config-file/export';
import { loadConfigText, type EnvLookup } from '../../../lib/config-file/load';
import { planConfig } from '../../../lib/config-file/plan';
import { tempStore } from '../../helpers/temp-store';

const FILE = 'upbeat.yaml';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n';

/** One of every field the file can hold: each site kind with each of its settings, channels, groups, pages. */
const EVERYTHING = `version: 1
defaults:
  timeoutMs: 4000
groups:
  - { key: api, name: Public API }
  - { key: infra, name: "Infra $\${NOT_A_VAR}" }
channels:
  - key: ops-hook
    name: Ops hook
    type: webhook
    isDefault: true
    config:
      url: http://127.0.0.1:9/hook
      secret: \${HOOK_SECRET}
      headers: { X-Team: ops, Authorization: "Bearer \${HOOK_TOKEN}" }
  - key: phone
    name: Phone
    type: ntfy
    enabled: false
    config: { serverUrl: "http://127.0.0.1:9", topic: upbeat-alerts, token: "\${NTFY_TOKEN}" }
sites:
  - key: api
    name: API health
    url: https://127.0.0.1:8443/health
    group: api
    method: POST
    intervalSeconds: 15
    timeoutMs: 2500
    expectedStatus: [200, 201, 202]
    followRedirects: false
    headers: { Authorization: "Bearer \${API_TOKEN}", X-Probe: upbeat }
    paused: true
    confirmAfter: 3
    recoverAfter: 2
    retryIntervalSeconds: 5
    degradedAboveMs: 800
    remindEveryMinutes: 60
    requestBody: '{"ping":true}'
    requestContentType: application/json
    tlsVerify: false
    caPem: |
${PEM.trimEnd().split('\n').map((l) => `      ${l}`).join('\n')}
    hostHeader: api.internal.example
    assertions:
      - { type: body-contains, value: '"ok"', ignoreCase: true }
      - { type: body-not-contains, value: error }
      - { type: body-matches, pattern: "^\\\\{", flags: i }
      - { type: json-path, path: $.status, op: "==", value: UP }
      - { type: json-path, path: "$.items[0].n", op: ">=", value: 3 }
      - { type: json-path, path: $.ready, op: "==", value: true }
      - { type: json-path, path: $.error, op: "==", value: null }
      - { type: header, name: content-type, op: contains, value: json }
      - { type: response-time, belowMs: 1500 }
    channels: [ops-hook, phone]
    badges: true
  - key: db
    url: tls://127.0.0.1:5432
    kind: tcp
    group: infra
    assertions: [{ type: response-time, belowMs: 200 }]
    channels: []
  - key: dns
    name: DNS
    kind: dns
    url: dns://example.internal
    dnsRecordType: TXT
    dnsServer: 127.0.0.1:5353
    dnsExpected: [v=spf1, hello]
    group: infra
  - key: cron
    name: Nightly job
    kind: push
    intervalSeconds: 86400
    pushGraceSeconds: 600
statusPages:
  - key: status
    title: Example status
    description: "All of it; $\${NOT_A_VAR} too"
    logoUrl: /logo.png
    sites: [{ site: api, showUrl: true }, cron]
    groups: [infra]
  - key: empty
    title: Empty page
`;

const ENV: Record<string, string> = {
  HOOK_SECRET: 'a-secret-of-16-chars+',
  HOOK_TOKEN: 'hook-token',
  NTFY_TOKEN: 'tk_ntfy',
  API_TOKEN: 'api-token',
};

function applyText(store: Store, text: string, env: EnvLookup): void {
  const loaded = loadConfigText(text, FILE, env);
  applyPlan(store, planConfig(store, loaded.desired, FILE));
}

/** Everything a store holds of the configuration, ids replaced by names so two databases can be compared. */
function snapshot(store: Store) {
  const siteName = new Map(store.listSites().map((s) => [s.id, s.name]));
  const channelName = new Map(store.listChannels().map((c) => [c.id, c.name]));
  return {
    sites: store.listSites().map(({ id, createdAt: _c, updatedAt: _u, lastCheck: _l, channels, ...s }) => ({
      ...s,
      channels: channels.map((c) => channelName.get(c)),
      mark: store.configMarks('site').find((m) => m.id === id)?.key,
      badges: store.areBadgesEnabled(id),
    })),
    channels: listChannels(store).map(({ id: _i, createdAt: _c, updatedAt: _u, ...c }) => c),
    pages: store.listStatusPages().map(({ id, createdAt: _c, updatedAt: _u, ...p }) => ({
      ...p,
      managedBy: store.managedBy('statusPage', id),
      sites: store.statusPageSites(id).map(({ siteId, ...e }) => ({ ...e, site: siteName.get(siteId) })),
    })),
  };
}

test('a file with every field, applied, exported and applied to a second empty database, gives identical rows', (t) => {
  const first = tempStore(t);
  applyText(first, EVERYTHING, (n) => ENV[n]);
  const once = snapshot(first);
  // The file's values arrived (a sample; the comparison below covers the rest).
  assert.equal(once.sites.length, 4);
  assert.equal(once.sites[0]!.assertions.length, 9);
  assert.equal(once.sites[0]!.headers.Authorization, 'Bearer api-token');
  assert.deepEqual(once.sites.map((s) => s.badges), [true, false, false, false]);
  assert.equal(once.pages.find((p) => p.slug === 'status')!.description, 'All of it; ${NOT_A_VAR} too');
  assert.deepEqual(once.pages.find((p) => p.slug === 'status')!.sites.map((e) => [e.site, e.group, e.showUrl]), [
    ['API health', 'Public API', true],
    ['Nightly job', '', false],
    ['127.0.0.1:5432', 'Infra ${NOT_A_VAR}', false],
    ['DNS', 'Infra ${NOT_A_VAR}', false],
  ]);

  const withSecrets = exportConfig(first, { withSecrets: true });
  assert.notEqual(withSecrets.warning, null);
  const second = tempStore(t);
  applyText(second, withSecrets.yaml, () => undefined);
  assert.deepEqual(snapshot(second), once);

  // With secrets as references: the same rows once the variables it names are set.
  const referenced = exportConfig(first);
  assert.equal(referenced.warning, null);
  assert.doesNotMatch(referenced.yaml, /a-secret-of-16|hook-token|tk_ntfy|api-token/);
  assert.deepEqual(referenced.references.sort(), [
    'UPBEAT_CHANNEL_OPS_HOOK_HEADERS_AUTHORIZATION',
    'UPBEAT_CHANNEL_OPS_HOOK_HEADERS_X_TEAM',
    'UPBEAT_CHANNEL_OPS_HOOK_SECRET',
    'UPBEAT_CHANNEL_OPS_HOOK_URL',
    'UPBEAT_CHANNEL_PHONE_TOKEN',
    'UPBEAT_SITE_API_HEADER_AUTHORIZATION',
    'UPBEAT_SITE_API_HEADER_X_PROBE',
  ]);
  const values: Record<string, string> = {
    UPBEAT_CHANNEL_OPS_HOOK_HEADERS_AUTHORIZATION: 'Bearer hook-token',
    UPBEAT_CHANNEL_OPS_HOOK_HEADERS_X_TEAM: 'ops',
    UPBEAT_CHANNEL_OPS_HOOK_SECRET: ENV.HOOK_SECRET!,
    UPBEAT_CHANNEL_OPS_HOOK_URL: 'http://127.0.0.1:9/hook',
    UPBEAT_CHANNEL_PHONE_TOKEN: 'tk_ntfy',
    UPBEAT_SITE_API_HEADER_AUTHORIZATION: 'Bearer api-token',
    UPBEAT_SITE_API_HEADER_X_PROBE: 'upbeat',
  };
  const third = tempStore(t);
  applyText(third, referenced.yaml, (n) => values[n]);
  assert.deepEqual(snapshot(third), once);

  // And the export of a database matches the file it came from: nothing left to apply.
  assert.deepEqual(planConfig(first, loadConfigText(withSecrets.yaml, FILE, () => undefined).desired, FILE).changes, []);
});
