import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { configJsonSchemaText } from '../../../lib/config-file/json-schema';

const published = path.resolve(import.meta.dirname, '../../../public/upbeat-config.schema.json');

test('the published JSON Schema is the one generated from the zod schema apply validates with', () => {
  assert.equal(
    fs.readFileSync(published, 'utf8'),
    configJsonSchemaText(),
    'public/upbeat-config.schema.json is stale: npm run -s config -- schema > public/upbeat-config.schema.json',
  );
});

test('the schema describes every section and refuses unknown fields, as apply does', () => {
  const schema = JSON.parse(configJsonSchemaText()) as {
    properties: Record<string, { items?: { properties?: Record<string, unknown>; additionalProperties?: unknown } }>;
    additionalProperties: unknown;
    required: string[];
  };
  assert.deepEqual(Object.keys(schema.properties).sort(), ['channels', 'defaults', 'groups', 'prune', 'sites', 'statusPages', 'version']);
  assert.deepEqual(schema.required, ['version']);
  assert.equal(schema.additionalProperties, false);
  const site = schema.properties.sites!.items!;
  assert.equal(site.additionalProperties, false);
  for (const field of ['key', 'url', 'kind', 'assertions', 'tlsVerify', 'caPem', 'dnsRecordType', 'pushGraceSeconds', 'group', 'channels']) {
    assert.ok(field in site.properties!, `sites[] has ${field}`);
  }
});
