import { test } from 'node:test';
import assert from 'node:assert/strict';
import { teamsChannel } from '../../../../lib/alerts/channels/teams';
import { startServiceStandIn } from '../../../fixtures/service-stand-in';
import { parseConfig, refusedFields, testContext, testOutcomes } from '../channel-cases';
import { down, sampleEvents } from '../sample-events';

const ctx = testContext();
const WORKFLOW_PATH = '/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=s3cr3t';

test('teams: POSTs a message with an Adaptive Card to the Workflows webhook', async (t) => {
  // Workflows accept the request and run the flow later: 202.
  const service = await startServiceStandIn(t, { status: 202 });
  const config = parseConfig(teamsChannel, { webhookUrl: `${service.url}${WORKFLOW_PATH}` });
  const outcome = await teamsChannel.send(config, down, ctx);
  assert.deepEqual(outcome, { delivered: true, status: 202 });

  const req = service.only();
  assert.equal(req.method, 'POST');
  assert.equal(req.path, WORKFLOW_PATH);
  assert.equal(req.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(req.body), {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: '🔴 Shop API is down', weight: 'Bolder', size: 'Medium', color: 'attention', wrap: true },
            { type: 'TextBlock', text: 'DNS: cannot resolve shop.example.com (ENOTFOUND)', wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'URL', value: 'https://shop.example.com/health' },
                { title: 'Down since', value: '2025-03-01T12:00:00Z (20 s ago)' },
                { title: 'Last status', value: 'no response' },
                { title: 'Latency', value: '12 ms' },
              ],
            },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open Shop API in Upbeat', url: 'https://upbeat.example.com/sites/7' }],
        },
      },
    ],
  });
});

test('teams: a storm lists its sites as text blocks', async (t) => {
  const service = await startServiceStandIn(t, { status: 202 });
  const config = parseConfig(teamsChannel, { webhookUrl: `${service.url}/w` });
  await teamsChannel.send(config, sampleEvents().storm, ctx);
  const card = JSON.parse(service.only().body).attachments[0].content as { body: Array<{ text?: string }> };
  assert.equal(card.body.filter((b) => b.text?.startsWith('- ')).length, 11);
  assert.equal(card.body.at(-1)!.text, '- … and 27 more');
});

testOutcomes({
  channel: teamsChannel,
  configFor: (base) => ({ webhookUrl: `${base}${WORKFLOW_PATH}` }),
  rejection: {
    contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'TriggerInputSchemaMismatch', message: 'The input body does not match the schema' } }),
    error: 'The input body does not match the schema',
  },
});

test('teams config: bad fields are named', () => {
  assert.deepEqual(refusedFields(teamsChannel, { webhookUrl: '' }), { webhookUrl: 'is required' });
  assert.deepEqual(refusedFields(teamsChannel, []), { _: 'must be a JSON object' });
});
