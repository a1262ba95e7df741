import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { StreamRegistry, openEventStream, type CloseReason } from '../../../lib/event-streams';
import { createChangeFeed } from '../../../lib/events';
import { validateNewSite } from '../../../lib/schemas';
import { tempStore } from '../../helpers/temp-store';

test('past the per-client cap, that client’s least recently active stream closes', () => {
  const registry = new StreamRegistry({ total: 100, perClient: 2 });
  const closed: string[] = [];
  const a1 = registry.admit('a', () => closed.push('a1'));
  const a2 = registry.admit('a', () => closed.push('a2'));
  registry.admit('b', () => closed.push('b1'));
  a1.touch(); // a1 got an event after a2 opened: a2 is now the idler one
  registry.admit('a', () => closed.push('a3'));
  assert.deepEqual(closed, ['a2']);
  a2.release(); // what the closing stream does
  assert.equal(registry.countFor('a'), 2);
  assert.equal(registry.size, 3);
});

test('past the total cap, the least recently active stream of all closes, and released slots are free again', () => {
  const registry = new StreamRegistry({ total: 3, perClient: 10 });
  const closed: string[] = [];
  const handles = ['x', 'y', 'z'].map((k) => registry.admit(k, () => closed.push(k)));
  for (const h of handles) h.touch(); // one event reaches all three, oldest first
  const w = registry.admit('w', () => closed.push('w'));
  assert.deepEqual(closed, ['x']);
  handles[0]!.release();
  for (const h of [...handles.slice(1), w]) h.release();
  assert.equal(registry.size, 0);
  assert.equal(registry.countFor('y'), 0);
});

interface Reader {
  text(): string;
  /** Resolves when the received text matches, or rejects when the stream ends first. */
  waitFor(pattern: RegExp): Promise<void>;
  ended: Promise<void>;
  cancel(): Promise<void>;
}

function readAll(res: Response): Reader {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const waiters = new Set<() => void>();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      for (const w of waiters) w();
    }
    for (const w of waiters) w();
  })();
  let isDone = false;
  void ended.then(() => (isDone = true));
  return {
    text: () => text,
    ended,
    cancel: () => reader.cancel(),
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) {
            waiters.delete(check);
            resolve();
          } else if (isDone) {
            waiters.delete(check);
            reject(new Error(`stream ended without ${pattern}: ${text}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

function setup(t: TestContext) {
  const store = tempStore(t);
  const feed = createChangeFeed(store, { pollMs: 20 });
  const registry = new StreamRegistry({ total: 10, perClient: 5 });
  return { store, feed, registry };
}

test('a stream ends, with an end event, once its credential no longer holds', async (t) => {
  const { store, feed, registry } = setup(t);
  let authorized = true;
  const reasons: CloseReason[] = [];
  const res = openEventStream({
    feed,
    registry,
    clientKey: 'c',
    isStillAuthorized: async () => authorized,
    timing: { recheckMs: 20, sendRecheckMs: 0 },
    onClose: (r) => reasons.push(r),
  });
  const stream = readAll(res);
  await stream.waitFor(/: connected/);
  store.createSite(validateNewSite({ url: 'http://one.test/' }));
  await stream.waitFor(/event: sites/);
  authorized = false;
  await stream.ended;
  assert.match(stream.text(), /event: end\ndata: \{"reason":"the session or token has ended"\}/);
  assert.deepEqual(reasons, ['credential']);
  assert.equal(registry.size, 0);
  assert.equal(feed.listenerCount, 0);
});

test('no event is sent once the credential is gone, even before the timer looks', async (t) => {
  const { store, feed, registry } = setup(t);
  let authorized = true;
  const res = openEventStream({
    feed,
    registry,
    clientKey: 'c',
    isStillAuthorized: async () => authorized,
    // The timer would take an hour: only the check before the send can end it.
    timing: { recheckMs: 3_600_000, sendRecheckMs: 0 },
  });
  const stream = readAll(res);
  await stream.waitFor(/: connected/);
  authorized = false;
  store.createSite(validateNewSite({ url: 'http://two.test/' }));
  await stream.ended;
  assert.doesNotMatch(stream.text(), /event: sites/);
  assert.match(stream.text(), /event: end/);
});

test('a client that leaves releases its slot and its feed listener', async (t) => {
  const { feed, registry } = setup(t);
  const controller = new AbortController();
  const streams = Array.from({ length: 5 }, (_v, i) =>
    readAll(
      openEventStream({
        feed,
        registry,
        clientKey: `k${i % 2}`,
        isStillAuthorized: async () => true,
        signal: i === 0 ? controller.signal : undefined,
      }),
    ),
  );
  await Promise.all(streams.map((s) => s.waitFor(/: connected/)));
  assert.equal(registry.size, 5);
  assert.equal(feed.listenerCount, 5);
  controller.abort(); // the request ends
  await streams[0]!.ended;
  for (const s of streams.slice(1)) await s.cancel(); // the body is cancelled
  assert.equal(registry.size, 0);
  assert.equal(feed.listenerCount, 0);
});

test('an evicted stream is told to wait before reconnecting', async (t) => {
  const { feed } = setup(t);
  const registry = new StreamRegistry({ total: 10, perClient: 1 });
  const open = () =>
    readAll(openEventStream({ feed, registry, clientKey: 'same', isStillAuthorized: async () => true, timing: { evictedRetryMs: 45_000 } }));
  const first = open();
  await first.waitFor(/: connected/);
  const second = open();
  await first.ended;
  assert.match(first.text(), /retry: 45000\nevent: end\ndata: \{"reason":"too many streams"\}/);
  await second.waitFor(/: connected/);
  assert.equal(registry.size, 1);
  await second.cancel();
});
