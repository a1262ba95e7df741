import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelType, SendContext, SendOutcome } from '../../../lib/alerts/channel';
import { createTargetGuard } from '../../../lib/alerts/guard';
import { fieldErrors } from '../../../lib/schemas';
import { closedPort } from '../../fixtures/targets';
import { startServiceStandIn } from '../../fixtures/service-stand-in';
import { down } from './sample-events';

/** What every channel test file shares: a send context that applies the default target policy, and the cases. */

export function testContext(): SendContext {
  const guard = createTargetGuard({ policy: { blockPrivate: false } });
  after(() => guard.dispatcher.destroy());
  return { timeoutMs: 5000, ...guard };
}

export function parseConfig<C>(channel: ChannelType<C>, input: unknown): C {
  const parsed = channel.configSchema.safeParse(input);
  if (!parsed.success) throw new Error(`config refused: ${JSON.stringify(fieldErrors(parsed.error))}`);
  return parsed.data;
}

/** The fields a config is refused for, with their messages. */
export function refusedFields<C>(channel: ChannelType<C>, input: unknown): Record<string, string> {
  const parsed = channel.configSchema.safeParse(input);
  assert.equal(parsed.success, false, `expected ${JSON.stringify(input)} to be refused`);
  return parsed.success ? {} : fieldErrors(parsed.error);
}

export interface OutcomeCases<C> {
  channel: ChannelType<C>;
  /** A valid config whose service URL points at `baseUrl`. */
  configFor(baseUrl: string): unknown;
  /** A 400 answer as the real service words it, and the text the outcome must keep from it. */
  rejection: { body: string; contentType: string; error: string };
}

/**
 * How the channel reads each answer: 200 delivered; 400 final with the service's own words; 429 retryable
 * after the wait it asked for; 500 retryable; nobody listening retryable with no status.
 */
export function testOutcomes<C>({ channel, configFor, rejection }: OutcomeCases<C>): void {
  const ctx = testContext();
  const sendTo = (baseUrl: string): Promise<SendOutcome> => channel.send(parseConfig(channel, configFor(baseUrl)), down, ctx);

  test(`${channel.type}: a 2xx answer is delivered`, async (t) => {
    const service = await startServiceStandIn(t, { status: 200, body: '{"ok":true}' });
    const outcome = await sendTo(service.url);
    assert.equal(outcome.delivered, true);
    assert.equal(outcome.status, 200);
  });

  test(`${channel.type}: a 400 is final and keeps the service's own error text`, async (t) => {
    const service = await startServiceStandIn(t, {
      status: 400,
      headers: { 'content-type': rejection.contentType },
      body: rejection.body,
    });
    const outcome = await sendTo(service.url);
    assert.deepEqual(outcome, { delivered: false, retryable: false, status: 400, error: rejection.error });
  });

  test(`${channel.type}: a 429 is retried after the Retry-After it names`, async (t) => {
    const service = await startServiceStandIn(t, { status: 429, headers: { 'retry-after': '7' }, body: 'slow down' });
    const outcome = await sendTo(service.url);
    assert.deepEqual(outcome, { delivered: false, retryable: true, status: 429, error: 'slow down', retryAfterMs: 7000 });
  });

  test(`${channel.type}: a 500 is retried`, async (t) => {
    const service = await startServiceStandIn(t, { status: 500, body: '' });
    const outcome = await sendTo(service.url);
    assert.deepEqual(outcome, { delivered: false, retryable: true, status: 500, error: 'HTTP 500 Internal Server Error' });
  });

  test(`${channel.type}: a closed port is retried, with no status`, async () => {
    const port = await closedPort();
    const outcome = await sendTo(`http://127.0.0.1:${port}`);
    assert.equal(outcome.delivered, false);
    if (outcome.delivered) return;
    assert.equal(outcome.retryable, true);
    assert.equal(outcome.status, null);
    assert.match(outcome.error, /^refused: .*ECONNREFUSED/);
  });
}
