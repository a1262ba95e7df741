import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { openStore, type Store } from '../../db';
import { startApp, type RunningApp } from '../helpers/app-server';
import { launchBrowser, openPage } from '../helpers/browser';
import { eventually } from '../helpers/eventually';
import { spawnChecker } from '../helpers/spawn-checker';
import { startTarget } from '../fixtures/controllable-target';
import { nextSiteState } from '../../lib/monitor/state';

interface SseEvent {
  event: string;
  data: string;
  at: number;
}

/** A plain fetch reading the event stream, as any client could; every event is kept with its arrival time. */
async function openEventStream(t: TestContext, app: RunningApp) {
  const controller = new AbortController();
  const openedAt = Date.now();
  const res = await fetch(`${app.baseUrl}/api/events`, { signal: controller.signal, headers: app.authHeaders });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (data.length > 0) events.push({ event, data: data.join('\n'), at: Date.now() });
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted
    }
  })();
  t.after(async () => {
    controller.abort();
    await pump;
  });
  /** Resolves with the first event (from index `from`) that passes `match`. */
  const waitFor = async (match: (e: SseEvent) => boolean, timeoutMs: number, from = 0): Promise<SseEvent> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, left);
        waiters.add(wake);
      });
    }
  };
  return { events, comments, waitFor, openedAt, close: () => controller.abort() };
}

/** Watches the database for newly recorded check rows; notes when each was first seen (every 5 ms). */
function watchRecorded(t: TestContext, store: Store) {
  const seen: { id: number; siteId: number; ok: boolean; checkedAt: number; seenAt: number }[] = [];
  let last = store.latestCheckId();
  const rows = store.db.prepare<[number], { id: number; site_id: number; ok: number; checked_at: number }>(
    'SELECT id, site_id, ok, checked_at FROM checks WHERE id > ? ORDER BY id',
  );
  const timer = setInterval(() => {
    if (!store.db.open) return clearInterval(timer); // the test is ending
    const now = Date.now();
    for (const r of rows.all(last)) {
      seen.push({ id: r.id, siteId: r.site_id, ok: r.ok === 1, checkedAt: r.checked_at, seenAt: now });
      last = r.id;
    }
  }, 5);
  t.after(() => clearInterval(timer));
  return seen;
}

async function createSite(app: RunningApp, body: Record<string, unknown>): Promise<{ id: number }> {
  const res = await fetch(`${app.baseUrl}/api/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...app.authHeaders },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { id: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('with the checker in its own process, the stream announces each recorded result within 2 s', async (t) => {
  const target = await startTarget(t, 200);
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  await spawnChecker(t, app.dbPath).running();
  const store = openStore(app.dbPath, { decideState: nextSiteState });
  t.after(() => store.close());

  const stream = await openEventStream(t, app);
  const recorded = watchRecorded(t, store);
  const site = await createSite(app, { url: target.url, name: 'Streamed', intervalSeconds: 1, timeoutMs: 1000 });
  await stream.waitFor((e) => e.event === 'sites', 2000);

  // Follow five results: each one's `checks` event must come within 2 s of the row being written.
  const delays: number[] = [];
  for (let n = 0; n < 5; n++) {
    const deadline = Date.now() + 5000;
    while (recorded.length <= n) {
      assert.ok(Date.now() < deadline, 'the checker recorded nothing');
      await new Promise((r) => setTimeout(r, 5));
    }
    const row = recorded[n]!;
    assert.equal(row.siteId, site.id);
    const event = await stream.waitFor(
      (e) => e.event === 'checks' && e.at >= row.seenAt - 50 && (JSON.parse(e.data) as { siteIds: number[] }).siteIds.includes(site.id),
      2000,
    );
    delays.push(Math.max(0, event.at - row.seenAt));
  }
  t.diagnostic(
    `recorded row → SSE "checks" event: median ${median(delays)} ms, max ${Math.max(...delays)} ms (${delays.join(', ')})`,
  );
  assert.ok(Math.max(...delays) < 2000);
  assert.ok(stream.comments.includes('connected'), 'the stream opens with a comment line');

  // A site change made through the API is announced too.
  const res = await fetch(`${app.baseUrl}/api/sites/${site.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...app.authHeaders },
    body: JSON.stringify({ paused: true }),
  });
  assert.equal(res.status, 200);
  const from = stream.events.length;
  await stream.waitFor((e) => e.event === 'sites', 2000, from);

  // A quiet stream still says something every 15 s, so proxies and idle timeouts leave it open.
  const leftMs = stream.openedAt + 17_000 - Date.now();
  await eventually('a keep-alive comment within 17 s of connecting', () => stream.comments.includes('keep-alive'), leftMs, 100);
});

test('the page shows a result recorded by a separate checker process within 2 s, and the figure is printed', async (t) => {
  const target = await startTarget(t, 200);
  const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off' } });
  await spawnChecker(t, app.dbPath).running();
  const store = openStore(app.dbPath, { decideState: nextSiteState });
  t.after(() => store.close());
  const site = await createSite(app, { url: target.url, name: 'Flipper', intervalSeconds: 1, timeoutMs: 1000 });

  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser, {}, app);
  await page.goto(app.baseUrl);
  const row = page.locator(`tr[data-site-id="${site.id}"]`);
  await row.locator('[data-state="up"]').waitFor({ timeout: 5000 });

  // The page notes (on the same clock) when the row's state changes.
  await page.evaluate(`{
    const marks = [];
    window.__marks = marks;
    let last = '';
    new MutationObserver(() => {
      const state = document.querySelector('tr[data-site-id="${site.id}"]')?.getAttribute('data-state') ?? '';
      if (state !== last) {
        last = state;
        marks.push({ state, at: Date.now() });
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  }`);

  const recorded = watchRecorded(t, store);
  const fromRecord: number[] = [];
  const fromCheckStart: number[] = [];
  for (const [status, state, ok] of [
    [500, 'down', false],
    [200, 'up', true],
    [500, 'down', false],
    [200, 'up', true],
  ] as const) {
    target.setStatus(status);
    await row.locator(`[data-state="${state}"]`).waitFor({ timeout: 5000 });
    const marks = await page.evaluate(() => (window as unknown as { __marks: { state: string; at: number }[] }).__marks);
    const shownAt = marks.filter((m) => m.state === state).at(-1)!.at;
    // The first row of the new kind is the one that changed the state.
    const first = recorded.find((r) => r.ok === ok && r.seenAt <= shownAt && r.seenAt >= shownAt - 5000);
    assert.ok(first, 'the flip was recorded in the database');
    fromRecord.push(shownAt - first.seenAt);
    fromCheckStart.push(shownAt - first.checkedAt);
    recorded.splice(0); // the next flip starts afresh
  }
  t.diagnostic(
    `recorded result → page shows it: median ${median(fromRecord)} ms, max ${Math.max(...fromRecord)} ms ` +
      `(${fromRecord.join(', ')}); check started → page: median ${median(fromCheckStart)} ms`,
  );
  assert.ok(Math.max(...fromRecord) < 2000, `a result took ${Math.max(...fromRecord)} ms to show`);
  assert.deepEqual(errors, []);
});

/** A TCP relay in front of the app that the test can cut (every connection dropped, new ones refused) and mend. */
async function startRelay(t: TestContext, app: RunningApp) {
  const upstream = new URL(app.baseUrl);
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const backend = net.connect(Number(upstream.port), upstream.hostname);
        sockets.add(client).add(backend);
        client.pipe(backend).pipe(client);
        const drop = () => {
          client.destroy();
          backend.destroy();
          sockets.delete(client);
          sockets.delete(backend);
        };
        client.on('error', drop).on('close', drop);
        backend.on('error', drop).on('close', drop);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    const s = server as net.Server | null;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  t.after(cut);
  return { url: () => `http://127.0.0.1:${port}`, cut, mend: listen };
}

test('after a dropped connection the page reconnects by itself and catches up on what it missed', async (t) => {
  const target = await startTarget(t, 200);
  const app = await startApp(t);
  const relay = await startRelay(t, app);
  const site = await createSite(app, { url: target.url, name: 'Resilient', intervalSeconds: 1, timeoutMs: 1000 });

  const browser = await launchBrowser(t);
  const { page } = await openPage(browser, {}, app);
  await page.goto(relay.url());
  const row = page.locator(`tr[data-site-id="${site.id}"]`);
  await row.locator('[data-state="up"]').waitFor({ timeout: 5000 });

  // Cut the line: the page says it is reconnecting. Meanwhile the site goes down.
  await relay.cut();
  await page.getByText('Live updates interrupted').waitFor({ timeout: 5000 });
  target.setStatus(500);
  const deadline = Date.now() + 5000;
  while ((await (await fetch(`${app.baseUrl}/api/sites/${site.id}`, { headers: app.authHeaders })).json()).state !== 'down') {
    assert.ok(Date.now() < deadline, 'the site did not go down');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await row.getAttribute('data-state'), 'up', 'nothing can reach the page while the line is cut');

  // Mend it: EventSource reconnects on its own and the page reloads what it missed.
  await relay.mend();
  await row.locator('[data-state="down"]').waitFor({ timeout: 8000 });
  await page.getByText('Live updates interrupted').waitFor({ state: 'detached', timeout: 5000 });
  assert.equal(await page.title(), '(1 down) Upbeat');
});
