import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFile } from '../../../lib/config-file/run';
import { importGatus } from '../../../lib/config-file/import/gatus';
import { importKumaBackup } from '../../../lib/config-file/import/kuma-json';
import { applyImport, planImport } from '../../../lib/config-file/import/run';
import { formatPlan } from '../../../lib/config-file/plan';
import { listChannels } from '../../../lib/channels';
import { tempDir, tempStore } from '../../helpers/temp-store';
import fs from 'node:fs';
import path from 'node:path';

const GATUS = `
alerting:
  slack:
    webhook-url: "http://127.0.0.1:9/slack-hook"
endpoints:
  - name: api
    url: "http://127.0.0.1:8080/health"
    interval: 30s
    conditions: ["[STATUS] == 200", "[BODY].ok == true"]
    alerts: [{ type: slack, failure-threshold: 2 }]
  - name: db
    url: "tcp://127.0.0.1:5432"
    conditions: ["[CONNECTED] == true"]
`;

test('an import is planned, applied in one go, and lands as sites and channels editable in the UI', async (t) => {
  const store = tempStore(t);
  const result = importGatus(GATUS);
  const planned = await planImport(store, result, 'config.yaml');
  assert.deepEqual(planned.plan.changes.map((c) => `${c.action} ${c.kind} ${c.key}`), [
    'create channel slack',
    'create site api',
    'create site db',
  ]);
  assert.equal(store.listSites().length, 0, 'planning writes nothing');

  await applyImport(store, result, 'config.yaml');
  const sites = store.listSites();
  assert.deepEqual(sites.map((s) => [s.name, s.kind, s.url, s.intervalSeconds]), [
    ['api', 'http', 'http://127.0.0.1:8080/health', 30],
    ['db', 'tcp', 'tcp://127.0.0.1:5432', 60],
  ]);
  assert.deepEqual(sites[0]!.assertions, [{ type: 'json-path', path: '$.ok', op: '==', value: true }]);
  const [slack] = listChannels(store);
  assert.equal(slack?.config.webhookUrl, 'http://127.0.0.1:9/slack-hook', 'the secret arrives from the source, not the environment');
  assert.deepEqual(sites[0]!.channels, [slack!.id]);
  for (const kind of ['site', 'channel'] as const) {
    assert.ok(store.configMarks(kind).every((m) => m.managedBy === null && m.key !== null), `${kind}s are not managed by a file`);
  }

  const again = await planImport(store, importGatus(GATUS), 'config.yaml');
  assert.match(formatPlan(again.plan), /^No changes/, 'importing the same source again changes nothing');
  const edited = GATUS.replace('interval: 30s', 'interval: 45s');
  const update = await applyImport(store, importGatus(edited), 'config.yaml');
  assert.deepEqual(update.plan.changes.map((c) => `${c.action} ${c.key} ${c.fields.map((f) => f.field).join(',')}`), ['update api intervalSeconds']);
  assert.equal(store.listSites().length, 2);
});

test('an import never deletes, and leaves objects a configuration file manages alone, saying so', async (t) => {
  const store = tempStore(t);
  const file = path.join(tempDir(t), 'upbeat.yaml');
  fs.writeFileSync(file, 'version: 1\nsites:\n  - key: api\n    name: Managed API\n    url: http://127.0.0.1:7000/\n  - key: other\n    url: http://127.0.0.1:7001/\n');
  await applyFile(store, file);
  const kuma = JSON.stringify({
    version: '1.23.0',
    notificationList: [],
    monitorList: [{ id: 1, name: 'API', type: 'http', url: 'http://127.0.0.1:8080/', interval: 60, maxretries: 0, accepted_statuscodes: ['200-299'] }],
  });
  const planned = await applyImport(store, importKumaBackup(kuma), 'backup.json');
  assert.deepEqual(planned.plan.changes, []);
  assert.ok(planned.notCarried.some((n) => n.name === 'API' && /upbeat\.yaml manages api/.test(n.reason)));
  assert.deepEqual(store.listSites().map((s) => s.name), ['Managed API', '127.0.0.1']);
});

test('a site or channel the target policy refuses is left out and listed; the rest of the import goes ahead', async (t) => {
  const store = tempStore(t);
  const gatus = `
alerting:
  custom:
    url: "http://169.254.169.254/hook"
endpoints:
  - name: metadata
    url: "http://169.254.169.254/latest/meta-data"
    alerts: [{ type: custom }]
  - name: fine
    url: "http://127.0.0.1:8080/"
`;
  const planned = await applyImport(store, importGatus(gatus), 'config.yaml');
  assert.deepEqual(planned.plan.changes.map((c) => `${c.action} ${c.kind} ${c.key}`), ['create site fine']);
  const refused = planned.notCarried.filter((n) => /target policy/.test(n.reason)).map((n) => `${n.what} ${n.name}`);
  assert.deepEqual(refused, ['site metadata', 'channel custom']);
  assert.deepEqual(store.listSites().map((s) => s.name), ['fine']);
  assert.equal(store.listChannels().length, 0);
});
