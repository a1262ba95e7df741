import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigFileError, loadConfigText, type EnvLookup } from '../../../lib/config-file/load';

const noEnv: EnvLookup = () => undefined;

/** The problem lines a file is refused with. */
function refusal(text: string, env: EnvLookup = noEnv): string[] {
  try {
    loadConfigText(text, 'upbeat.yaml', env);
  } catch (err) {
    if (err instanceof ConfigFileError) return err.message.split('\n');
    throw err;
  }
  assert.fail('expected the file to be refused');
}

test('a bad field is named with the file, the line and column of its key, and the rule it breaks', () => {
  const lines = refusal(
    [
      'version: 1',
      'sites:',
      '  - key: one',
      '    url: http://127.0.0.1:8080/',
      '  - key: two',
      '    url: http://127.0.0.1:8081/',
      '    intervalSeconds: 90000',
    ].join('\n'),
  );
  assert.deepEqual(lines, ['upbeat.yaml:7:5 sites[1].intervalSeconds: must be at most 86400']);
});

test('every problem of a file is reported at once, unknown fields and missing ones included', () => {
  const lines = refusal(
    [
      'version: 1',
      'sites:',
      '  - key: Bad Key',
      '    url: http://127.0.0.1:8080/',
      '    intervalSecs: 30',
      '    timeoutMs: 5',
      'statusPages:',
      '  - key: main',
    ].join('\n'),
  );
  assert.deepEqual(lines.sort(), [
    'upbeat.yaml:3:5 sites[0].key: must be 1–64 lower-case letters, digits, dashes or underscores, starting with a letter or digit',
    'upbeat.yaml:5:5 sites[0].intervalSecs: is not a known field',
    'upbeat.yaml:6:5 sites[0].timeoutMs: must be at least 100',
    // A required field left out is placed at the object that lacks it.
    'upbeat.yaml:8:5 statusPages[0].title: must be a string',
  ].sort());
});

test('YAML that does not parse is refused at the line and column of the fault', () => {
  const lines = refusal('version: 1\nsites:\n  - key: a\n    url: [unclosed\n');
  assert.equal(lines.length >= 1, true);
  assert.match(lines[0]!, /^upbeat\.yaml:\d+:\d+ /);
  assert.notEqual(lines[0]!.split(' ')[0], 'upbeat.yaml:1:1');
});

test('an empty file and a wrong version say what a file starts with', () => {
  assert.deepEqual(refusal(''), ['upbeat.yaml:1:1 is empty; a configuration starts with `version: 1`']);
  assert.deepEqual(refusal('version: 2\n'), ['upbeat.yaml:1:1 version: must be 1']);
});

test('references between objects must name an object of the file, and keys are unique', () => {
  const lines = refusal(
    [
      'version: 1',
      'sites:',
      '  - key: a',
      '    url: http://127.0.0.1:8080/',
      '    channels: [ops]',
      '    group: api',
      '  - key: a',
      '    url: http://127.0.0.1:8081/',
      'statusPages:',
      '  - key: main',
      '    title: Main',
      '    sites: [a, ghost]',
    ].join('\n'),
  );
  assert.deepEqual(lines.sort(), [
    'upbeat.yaml:12:16 statusPages[0].sites[1]: names no site with the key ghost',
    'upbeat.yaml:5:16 sites[0].channels[0]: names no channel with the key ops',
    'upbeat.yaml:6:5 sites[0].group: names no group with the key api',
    'upbeat.yaml:7:5 sites[1].key: repeats the key a',
  ].sort());
});

test('rules that read several fields (the kind, the method) are reported at the field, like the API does', () => {
  const lines = refusal(
    ['version: 1', 'sites:', '  - key: a', '    url: http://127.0.0.1:8080/', '    requestBody: "{}"'].join('\n'),
  );
  assert.deepEqual(lines, ['upbeat.yaml:5:5 sites[0].requestBody: cannot be sent with GET; use POST, PUT or PATCH']);
  const channel = refusal(
    ['version: 1', 'channels:', '  - key: ops', '    name: Ops', '    type: ntfy', '    config:', '      topic: has spaces'].join('\n'),
  );
  assert.deepEqual(channel, ['upbeat.yaml:7:7 channels[0].config.topic: must be 1-64 letters, digits, - or _']);
});

test('${NAME} is taken from the environment, $${NAME} stays as written, and an unset one is named', () => {
  const text = [
    'version: 1',
    'channels:',
    '  - key: ops',
    '    name: Ops',
    '    type: webhook',
    '    config:',
    '      url: ${HOOK_URL}',
    '      secret: ${HOOK_SECRET}',
    'sites:',
    '  - key: a',
    '    url: http://127.0.0.1:8080/',
    '    name: Costs $${NOT_A_VAR}',
    '    headers:',
    '      Authorization: Bearer ${API_TOKEN}',
  ].join('\n');
  const env: Record<string, string> = { HOOK_URL: 'http://127.0.0.1:9/hook', HOOK_SECRET: 'a-secret-of-16-chars+', API_TOKEN: 't0k3n' };
  const loaded = loadConfigText(text, 'upbeat.yaml', (n) => env[n]);
  assert.equal(loaded.desired.channels[0]!.config.url, 'http://127.0.0.1:9/hook');
  assert.equal(loaded.desired.channels[0]!.config.secret, 'a-secret-of-16-chars+');
  assert.equal(loaded.desired.sites[0]!.settings.name, 'Costs ${NOT_A_VAR}');
  assert.deepEqual(loaded.desired.sites[0]!.settings.headers, { Authorization: 'Bearer t0k3n' });

  const lines = refusal(text, (n) => (n === 'HOOK_URL' ? env[n] : undefined));
  assert.deepEqual(lines.sort(), [
    'upbeat.yaml:14:7 sites[0].headers.Authorization: refers to ${API_TOKEN}, which is not set in the environment',
    'upbeat.yaml:8:7 channels[0].config.secret: refers to ${HOOK_SECRET}, which is not set in the environment',
  ].sort());
});

test('defaults fill what a site leaves out, then the API defaults; a site never inherits what it sets itself', () => {
  const loaded = loadConfigText(
    [
      'version: 1',
      'defaults:',
      '  intervalSeconds: 30',
      '  confirmAfter: 3',
      '  channels: [ops]',
      'channels:',
      '  - key: ops',
      '    name: Ops',
      '    type: ntfy',
      '    config: { serverUrl: "http://127.0.0.1:9", topic: upbeat }',
      'sites:',
      '  - key: a',
      '    url: http://127.0.0.1:8080/',
      '  - key: b',
      '    url: http://127.0.0.1:8081/',
      '    intervalSeconds: 5',
      '    channels: []',
    ].join('\n'),
    'upbeat.yaml',
    noEnv,
  );
  const [a, b] = loaded.desired.sites;
  assert.equal(a!.settings.intervalSeconds, 30);
  assert.equal(a!.settings.confirmAfter, 3);
  assert.equal(a!.settings.timeoutMs, 10000);
  assert.equal(a!.settings.name, '127.0.0.1');
  assert.deepEqual(a!.channelKeys, ['ops']);
  assert.equal(b!.settings.intervalSeconds, 5);
  // Stored so: a retry is never later than the check it stands in for.
  assert.equal(b!.settings.retryIntervalSeconds, 5);
  assert.deepEqual(b!.channelKeys, []);
});

test('a status page lists its sites in order, then every site of its groups under the group heading', () => {
  const loaded = loadConfigText(
    [
      'version: 1',
      'groups: [{ key: api, name: Public API }, { key: web, name: Websites }]',
      'sites:',
      '  - { key: a, url: "http://127.0.0.1:8080/", group: api }',
      '  - { key: b, url: "http://127.0.0.1:8081/", group: api }',
      '  - { key: c, url: "http://127.0.0.1:8082/", group: web }',
      '  - { key: d, url: "http://127.0.0.1:8083/" }',
      'statusPages:',
      '  - key: main',
      '    title: Main',
      '    sites: [d, { site: c, showUrl: true, group: api }]',
      '    groups: [api]',
    ].join('\n'),
    'upbeat.yaml',
    noEnv,
  );
  assert.deepEqual(loaded.desired.pages[0]!.entries, [
    { siteKey: 'd', group: '', showUrl: false },
    { siteKey: 'c', group: 'Public API', showUrl: true },
    { siteKey: 'a', group: 'Public API', showUrl: false },
    { siteKey: 'b', group: 'Public API', showUrl: false },
  ]);
});
