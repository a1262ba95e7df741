import { spawn } from 'node:child_process';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../../db';
import { nextSiteState } from '../../../lib/monitor/state';
import { addSites, addWebhookChannel, transitionRows } from '../../helpers/alert-rows';
import { tempDir } from '../../helpers/temp-store';
import { startReceiver, until } from '../../helpers/webhook-receiver';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

interface Child {
  pid: number;
  output(): string;
  kill(): Promise<void>;
}

/** A child process on the same database file, SIGKILLed by its PID when asked (or when the test ends). */
function spawnChild(t: TestContext, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    await exited;
  };
  t.after(kill);
  return { pid: child.pid!, output: () => out, kill };
}

/** The checker process (`npm run monitor`), which runs the sender. */
function spawnMonitor(t: TestContext, dbPath: string): Child {
  return spawnChild(t, ['lib/cli/monitor.ts'], { UPBEAT_DB: dbPath, UPBEAT_SYNC_MS: '100', UPBEAT_MONITOR: 'on' });
}

function setUp(t: TestContext) {
  const dbPath = path.join(tempDir(t), 'upbeat.db');
  const store = openStore(dbPath, { decideState: nextSiteState });
  t.after(() => store.close());
  return { dbPath, store };
}

test('SIGKILL between the recorded row and its delivery: delivered exactly once after restart', async (t) => {
  const { dbPath, store } = setUp(t);
  const hook = await startReceiver(t);
  const channelId = addWebhookChannel(store, hook.url);
  const [siteId] = addSites(store, 1, { ok: false });
  store.updateSite(siteId!, { paused: true });

  const writer = spawnChild(t, ['tests/fixtures/outbox-writer.ts', dbPath, String(siteId), String(channelId)]);
  await until(() => writer.output().includes('recorded'), 'the row to be recorded');
  await writer.kill();
  assert.equal(store.outboxCounts().pending, 1, 'the row survived the kill');
  assert.equal(hook.received.length, 0);

  const monitor = spawnMonitor(t, dbPath);
  await until(() => store.outboxCounts().delivered === 1, `delivery after restart\n${monitor.output()}`);
  // Another look or two by the sender must not send it again.
  await until(() => store.listDeliveries(channelId, { limit: 5 }).length === 1, 'the attempt log');
  await monitor.kill();
  assert.equal(hook.received.length, 1);
  assert.equal(hook.received[0]!.headers['idempotency-key'], `inc${siteId}:down:ch${channelId}`);
});

test('SIGKILL while the receiver holds the request: sent again after restart under the same key, settled once', async (t) => {
  const { dbPath, store } = setUp(t);
  const hook = await startReceiver(t);
  hook.answer = (n) => (n === 0 ? 'hang' : { status: 200 });
  const channelId = addWebhookChannel(store, hook.url);
  const [siteId] = addSites(store, 1, { ok: false });
  store.updateSite(siteId!, { paused: true });
  store.enqueueOutbox(transitionRows(store, siteId!, [channelId], 'down'));

  const first = spawnMonitor(t, dbPath);
  await hook.waitFor(1);
  await first.kill();
  assert.equal(store.outboxCounts().pending, 1, 'a row whose attempt was cut short stays pending');

  const second = spawnMonitor(t, dbPath);
  await until(() => store.outboxCounts().delivered === 1, `delivery after restart\n${second.output()}`);
  await second.kill();
  const keys = new Set(hook.received.map((h) => h.headers['idempotency-key']));
  assert.equal(keys.size, 1, 'both copies carry one key, so the receiver keeps one');
  const attempts = store.listDeliveries(channelId, { limit: 5 });
  assert.deepEqual(attempts.map((a) => a.outcome), ['delivered']);
});
