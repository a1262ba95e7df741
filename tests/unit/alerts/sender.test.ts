import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signWebhook } from '../../../lib/alerts/channels/webhook';
import { startSender, type SenderOptions } from '../../../lib/alerts/sender';
import { addSites, addWebhookChannel, HOOK_SECRET, transitionRows } from '../../helpers/alert-rows';
import { tempStore } from '../../helpers/temp-store';
import { startReceiver, until } from '../../helpers/webhook-receiver';
import type { Store } from '../../../db';
import type { TestContext } from 'node:test';

/** Retries within milliseconds, so a test walks through several without waiting minutes. */
const FAST_RETRY = { baseMs: 5, maxMs: 20 };

function sender(t: TestContext, store: Store, options: Partial<SenderOptions> = {}) {
  const s = startSender({ store, pollMs: 10, retry: FAST_RETRY, timeoutMs: 5_000, log: () => {}, ...options });
  t.after(() => s.stop());
  return s;
}

test('a receiver failing five times then answering 200 gets one delivery, six attempts logged', async (t) => {
  const store = tempStore(t);
  const hook = await startReceiver(t);
  hook.answer = (n) => (n < 5 ? { status: 500 } : { status: 200 });
  const channelId = addWebhookChannel(store, hook.url);
  const [siteId] = addSites(store, 1, { ok: false });
  store.enqueueOutbox(transitionRows(store, siteId!, [channelId], 'down'));
  sender(t, store);

  await until(() => store.outboxCounts().delivered === 1, 'the row to be delivered');
  assert.equal(hook.received.filter((h) => h.json?.kind === 'down').length, 6);
  const keys = new Set(hook.received.map((h) => h.headers['idempotency-key']));
  assert.deepEqual([...keys], [`inc${siteId}:down:ch${channelId}`], 'every retry carries the same key');
  for (const h of hook.received) {
    const ts = String(h.headers['x-upbeat-timestamp']);
    assert.equal(h.headers['x-upbeat-signature'], signWebhook(HOOK_SECRET, ts, h.body));
    assert.equal(h.json?.idempotencyKey, h.headers['idempotency-key']);
  }
  const attempts = store.listDeliveries(channelId, { limit: 50 });
  assert.deepEqual(
    attempts.map((a) => a.outcome),
    ['delivered', 'retry', 'retry', 'retry', 'retry', 'retry'],
  );
  assert.ok(attempts.filter((a) => a.outcome === 'retry').every((a) => a.statusCode === 500));
  const row = store.listOutbox()[0]!;
  assert.equal(row.status, 'delivered');
  assert.equal(row.attempts, 6);
});

test('a channel that hangs does not hold up another channel', async (t) => {
  const store = tempStore(t);
  const dead = await startReceiver(t);
  dead.answer = () => 'hang';
  const live = await startReceiver(t);
  const deadId = addWebhookChannel(store, dead.url, 'Dead');
  const liveId = addWebhookChannel(store, live.url, 'Live');
  const sites = addSites(store, 5, { ok: false });
  // The dead channel's rows are written first, so they are due first.
  for (const id of sites) store.enqueueOutbox(transitionRows(store, id, [deadId], 'down'));
  for (const id of sites) store.enqueueOutbox(transitionRows(store, id, [liveId], 'down'));
  const s = sender(t, store, { timeoutMs: 60_000, perChannelConcurrency: 2 });

  await live.waitFor(5);
  await until(() => store.outboxCounts().delivered === 5, 'the live channel to be delivered');
  // Every dead-channel attempt is still hanging: none settled, and only its own two slots are taken.
  assert.equal(store.listDeliveries(deadId, { limit: 10 }).length, 0);
  assert.equal(dead.received.length, 2);
  assert.equal(s.stats().inFlight, 2);
  await dead.close();
  await until(() => store.listDeliveries(deadId, { limit: 10 }).length >= 2, 'the hanging attempts to end');
  assert.ok(store.listDeliveries(deadId, { limit: 10 }).every((a) => a.outcome === 'retry'));
});

test("a 429's Retry-After is waited for, on that row and on its channel", async (t) => {
  const store = tempStore(t);
  const hook = await startReceiver(t);
  hook.answer = (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 200 });
  const channelId = addWebhookChannel(store, hook.url);
  const sites = addSites(store, 2, { ok: false });
  store.enqueueOutbox(transitionRows(store, sites[0]!, [channelId], 'down'));
  const s = sender(t, store, { perChannelConcurrency: 1 });
  await until(() => store.listDeliveries(channelId, { limit: 5 }).length === 1, 'the first attempt');
  const [attempt] = store.listDeliveries(channelId, { limit: 5 });
  const row = store.listOutbox()[0]!;
  assert.equal(attempt!.outcome, 'retry');
  assert.ok(row.nextAttemptAt - attempt!.at >= 30_000, 'the row waits at least the 30 s asked for');
  // A second message for the paused channel waits too: the service asked the channel to slow down.
  store.enqueueOutbox(transitionRows(store, sites[1]!, [channelId], 'down'));
  const looks = s.stats().looks;
  await until(() => s.stats().looks >= looks + 5, 'a few more looks');
  assert.equal(hook.received.length, 1);
  assert.equal(store.outboxCounts().pending, 2);
});

test('an answer that retrying cannot fix fails the row at once, keeping the service text', async (t) => {
  const store = tempStore(t);
  const hook = await startReceiver(t);
  hook.answer = () => ({ status: 400, body: '{"error":"unknown hook"}', headers: { 'content-type': 'application/json' } });
  const channelId = addWebhookChannel(store, hook.url);
  const [siteId] = addSites(store, 1, { ok: false });
  store.enqueueOutbox(transitionRows(store, siteId!, [channelId], 'down'));
  sender(t, store);
  await until(() => store.outboxCounts().failed === 1, 'the row to fail');
  const [attempt] = store.listDeliveries(channelId, { limit: 5 });
  assert.equal(attempt!.outcome, 'failed');
  assert.equal(attempt!.statusCode, 400);
  assert.equal(attempt!.error, 'unknown hook');
  assert.equal(hook.received.length, 1);
});

test('a row still failing at the end of the retry window is given up as failed', async (t) => {
  const store = tempStore(t);
  const hook = await startReceiver(t);
  hook.answer = () => ({ status: 503 });
  const channelId = addWebhookChannel(store, hook.url);
  const [siteId] = addSites(store, 1, { ok: false });
  store.enqueueOutbox(transitionRows(store, siteId!, [channelId], 'down'));
  sender(t, store, { retry: { ...FAST_RETRY, windowMs: 200 } });
  await until(() => store.outboxCounts().failed === 1, 'the row to fail');
  const outcomes = store.listDeliveries(channelId, { limit: 100 }).map((a) => a.outcome);
  assert.equal(outcomes[0], 'failed');
  assert.ok(outcomes.length >= 2 && outcomes.slice(1).every((o) => o === 'retry'));
});

test('the per-channel rate limit lets a burst through, then one message per token', async (t) => {
  const store = tempStore(t);
  const hook = await startReceiver(t);
  const channelId = addWebhookChannel(store, hook.url);
  const sites = addSites(store, 5, { ok: false });
  for (const id of sites) store.enqueueOutbox(transitionRows(store, id, [channelId], 'down', 1_000));
  let clock = 1_000_000;
  const s = sender(t, store, { now: () => clock, ratePerMinute: 6, rateBurst: 2 });
  await until(() => store.outboxCounts().delivered === 2, 'the burst');
  // The clock stands still: no token comes back, however often the sender looks.
  const looks = s.stats().looks;
  await until(() => s.stats().looks >= looks + 5 && s.stats().inFlight === 0, 'a few more looks');
  assert.equal(store.outboxCounts().delivered, 2);
  assert.equal(hook.received.length, 2);
  clock += 10_000; // one token at 6 a minute
  s.wake();
  await until(() => store.outboxCounts().delivered === 3, 'one more after a token');
  assert.equal(store.outboxCounts().pending, 2);
});

test('a row for a turned-off channel fails without a request', async (t) => {
  const store = tempStore(t);
  const hook = await startReceiver(t);
  const channelId = addWebhookChannel(store, hook.url);
  store.updateChannel(channelId, { enabled: false });
  const [siteId] = addSites(store, 1, { ok: false });
  store.enqueueOutbox(transitionRows(store, siteId!, [channelId], 'down'));
  sender(t, store);
  await until(() => store.outboxCounts().failed === 1, 'the row to fail');
  assert.equal(hook.received.length, 0);
  assert.match(store.listDeliveries(channelId, { limit: 1 })[0]!.error ?? '', /turned off/);
});
