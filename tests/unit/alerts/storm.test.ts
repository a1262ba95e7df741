import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startSender } from '../../../lib/alerts/sender';
import { DEFAULT_STORM_OPTIONS, isStorm, looksLikeOwnNetwork } from '../../../lib/alerts/storm';
import type { Store } from '../../../db';
import type { ErrorKind } from '../../../db/domain';
import { addSites, addWebhookChannel, recordChecks, transitionRows } from '../../helpers/alert-rows';
import { tempStore } from '../../helpers/temp-store';
import { startReceiver, until } from '../../helpers/webhook-receiver';

/** Storm timing shortened so a test gathers in a fraction of a second (the rule is the same). */
const QUICK = { quietMs: 300, maxHoldMs: 3_000 };

function sender(t: TestContext, store: Store) {
  const s = startSender({ store, pollMs: 20, storm: QUICK, log: () => {} });
  t.after(() => s.stop());
  return s;
}

async function stormOf200(t: TestContext, kind: ErrorKind) {
  const store = tempStore(t);
  const hooks = [await startReceiver(t), await startReceiver(t)];
  const channels = hooks.map((h, i) => addWebhookChannel(store, h.url, `Hook ${i + 1}`));
  const sites = addSites(store, 200, { ok: false, kind });
  // The confirmations come in over a moment, as a real outage's do.
  sender(t, store);
  for (let i = 0; i < sites.length; i += 40) {
    store.enqueueOutbox(sites.slice(i, i + 40).flatMap((id) => transitionRows(store, id, channels, 'down', Date.now(), kind)));
    await new Promise((r) => setTimeout(r, 30));
  }
  await until(() => store.outboxCounts().grouped === 400, 'every down message to be carried by a group');
  await Promise.all(hooks.map((h) => h.waitFor(1)));
  await until(() => store.outboxCounts().pending === 0, 'the grouped messages to be delivered');
  return { store, hooks, channels, sites };
}

test('200 sites failing at once: one grouped message per channel, every site state exact', async (t) => {
  const { store, hooks, sites } = await stormOf200(t, 'status');
  for (const hook of hooks) {
    assert.equal(hook.received.length, 1, 'one message on each channel');
    const body = hook.received[0]!.json!;
    assert.equal(body.kind, 'storm');
    const group = body.group as { state: string; total: number; sites: unknown[] };
    assert.equal(group.state, 'down');
    assert.equal(group.total, 200);
    assert.match(String(body.title), /200 sites are down/);
  }
  const states = new Set(sites.map((id) => store.getSite(id)!.state));
  assert.deepEqual([...states], ['down']);
  assert.equal(store.outboxCounts().delivered, 2);
});

test('when nearly every site fails with connection refused, the message says the monitor network is down', async (t) => {
  const { hooks } = await stormOf200(t, 'refused');
  for (const hook of hooks) {
    assert.equal(hook.received.length, 1);
    const body = hook.received[0]!.json!;
    assert.equal(body.kind, 'network');
    assert.match(String(body.title), /own network is probably down/);
    assert.deepEqual((body.group as { byKind: unknown }).byKind, { refused: 200 });
  }
});

test('recoveries after a storm are grouped too', async (t) => {
  const { store, hooks, channels, sites } = await stormOf200(t, 'status');
  recordChecks(store, sites, { ok: true });
  store.enqueueOutbox(sites.flatMap((id) => transitionRows(store, id, channels, 'up')));
  await Promise.all(hooks.map((h) => h.waitFor(2)));
  await until(() => store.outboxCounts().pending === 0, 'the grouped recovery to be delivered');
  for (const hook of hooks) {
    assert.equal(hook.received.length, 2);
    const body = hook.received[1]!.json!;
    assert.equal(body.kind, 'storm');
    assert.equal((body.group as { state: string }).state, 'up');
    assert.match(String(body.title), /200 sites are back up/);
  }
});

test('a few sites down among many is no storm: each message goes out on its own, at once', async (t) => {
  const store = tempStore(t);
  const hook = await startReceiver(t);
  const channelId = addWebhookChannel(store, hook.url);
  addSites(store, 100, { ok: true });
  const down = addSites(store, 5, { ok: false });
  sender(t, store);
  store.enqueueOutbox(down.flatMap((id) => transitionRows(store, id, [channelId], 'down')));
  await hook.waitFor(5);
  assert.deepEqual(new Set(hook.received.map((h) => h.json?.kind)), new Set(['down']));
  assert.equal(store.outboxCounts().grouped, 0);
});

test('the storm rule: more than 10 sites and more than 30 % of the active ones', () => {
  const o = DEFAULT_STORM_OPTIONS;
  assert.equal(isStorm(10, 20, o), false, '10 is not more than 10');
  assert.equal(isStorm(11, 20, o), true);
  assert.equal(isStorm(30, 100, o), false, '30 % is not more than 30 %');
  assert.equal(isStorm(31, 100, o), true);
  assert.equal(isStorm(37, 37, o), true);
});

test('own network: nearly all active sites failing, nearly all with dns, refused or timeout', () => {
  const o = DEFAULT_STORM_OPTIONS;
  assert.equal(looksLikeOwnNetwork({ active: 40, failing: 40, byKind: { dns: 20, timeout: 17, status: 3 } }, o), true);
  assert.equal(looksLikeOwnNetwork({ active: 40, failing: 40, byKind: { dns: 20, status: 20 } }, o), false);
  assert.equal(looksLikeOwnNetwork({ active: 100, failing: 40, byKind: { refused: 40 } }, o), false);
  assert.equal(looksLikeOwnNetwork({ active: 0, failing: 0, byKind: {} }, o), false);
});
