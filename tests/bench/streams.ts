/**
 * `npm run bench:streams`: memory held by server-sent event streams returns after they close.
 *
 * `next start` (checker off) on a fresh database, with the Node inspector on a loopback port so the bench can
 * force a full collection in the server and read its own figures; the stream caps are raised so one client may
 * hold them all. After a warm-up, each round opens N streams (default 500) with the API token, waits until every
 * one has said `connected`, reads the server's heap (after a forced collection), resident set and open-stream
 * count, closes them all from the client side, and reads them again once the server has seen every close. If
 * closed streams were kept — a timer, a feed listener, a queued body — the count would not return to 0 and every
 * round would add N × the per-stream cost to the heap.
 *
 *   npm run bench:streams                    4 rounds of 500 streams (about a minute)
 *   npm run bench:streams -- --streams 200 --rounds 2
 */
import { WebSocket } from 'undici';
import { statusKb } from './lib/proc';
import { num, type Row } from './lib/table';
import { APP_SERVER } from '../helpers/app-server';
import {
  BENCH_TOKEN,
  authHeaders,
  describeMachine,
  ensureBuild,
  freePort,
  log,
  parseFlags,
  runMain,
  sleep,
  startChild,
  stopChild,
  tempDatabase,
  writeReport,
} from './reliability/common';

const flags = parseFlags(process.argv.slice(2), {
  streams: { default: 500, min: 10, max: 5000 },
  rounds: { default: 4, min: 1, max: 20 },
});

interface Open {
  abort(): void;
}

async function openStream(baseUrl: string): Promise<Open> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/events`, { headers: authHeaders, signal: controller.signal });
  if (res.status !== 200) throw new Error(`the stream answered ${res.status}`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(': connected')) {
    const { done, value } = await reader.read();
    if (done) throw new Error('the stream ended before it connected');
    text += decoder.decode(value, { stream: true });
  }
  // Keep reading (and dropping) what comes, as a browser would.
  void (async () => {
    try {
      for (;;) if ((await reader.read()).done) return;
    } catch {
      // aborted
    }
  })();
  return { abort: () => controller.abort() };
}

async function openMany(baseUrl: string, n: number): Promise<Open[]> {
  const opened: Open[] = [];
  for (let i = 0; i < n; i += 50) {
    opened.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => openStream(baseUrl)))));
  }
  return opened;
}

/** A Chrome DevTools Protocol session with the server's inspector: evaluate, collect garbage. */
async function inspect(inspectPort: number) {
  const list = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error('could not reach the inspector')));
  });
  let seq = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener('message', (e) => {
    const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++seq;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call('Runtime.enable');
  return {
    async figures(): Promise<{ heapKb: number; streams: number }> {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const expr = `JSON.stringify({ heap: process.memoryUsage().heapUsed, streams: globalThis[Symbol.for('upbeat.streamRegistry')]?.size ?? -1 })`;
      const r = (await call('Runtime.evaluate', { expression: expr, returnByValue: true })) as { result: { value: string } };
      const v = JSON.parse(r.result.value) as { heap: number; streams: number };
      return { heapKb: v.heap / 1024, streams: v.streams };
    },
    close: () => ws.close(),
  };
}

const mb = (kb: number) => `${num(kb / 1024, 1)} MB`;

runMain(async () => {
  const began = Date.now();
  const machine = describeMachine();
  ensureBuild();
  const db = tempDatabase('upbeat-bench-streams-');
  const [port, inspectPort] = [await freePort(), await freePort()];
  const started = await startChild(
    [`--inspect=127.0.0.1:${inspectPort}`, APP_SERVER, '-p', String(port), '-H', '127.0.0.1'],
    'web server',
    /checker off|web server on|Ready in/,
    {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_MANUAL_SIG_HANDLE: '1',
      UPBEAT_DB: db.file,
      UPBEAT_API_TOKEN: BENCH_TOKEN,
      UPBEAT_MONITOR: 'off',
      UPBEAT_MAX_STREAMS: String(flags.streams * 2),
      UPBEAT_MAX_STREAMS_PER_CLIENT: String(flags.streams * 2),
    },
  );
  const web = { started, baseUrl: `http://127.0.0.1:${port}` };
  const pid = started.child.pid!;
  while ((await fetch(`${web.baseUrl}/api/health`, { headers: authHeaders }).catch(() => null))?.status !== 200) await sleep(200);
  const server = await inspect(inspectPort);
  /** Figures once the server has seen every close (its open-stream count back to `expected`). */
  const settled = async (expected: number) => {
    for (let i = 0; i < 100; i++) {
      const f = await server.figures();
      if (f.streams === expected) return { ...f, rssKb: statusKb(pid, 'VmRSS') ?? NaN };
      await sleep(100);
    }
    throw new Error(`the server still counts streams other than ${expected}: ${JSON.stringify(await server.figures())}`);
  };
  const rows: Row[] = [];
  try {
    log('warming up');
    for (let i = 0; i < 2; i++) for (const s of await openMany(web.baseUrl, 50)) s.abort();
    const baseline = await settled(0);
    rows.push({
      measure: 'Server before the rounds: heap after a full collection / RSS',
      result: `${mb(baseline.heapKb)} / ${mb(baseline.rssKb)}`,
      target: '—',
      ratio: '0 streams open',
      met: '—',
    });
    let first = baseline;
    let last = baseline;
    for (let round = 1; round <= flags.rounds; round++) {
      const streams = await openMany(web.baseUrl, flags.streams);
      const held = await settled(flags.streams);
      for (const s of streams) s.abort();
      last = await settled(0);
      if (round === 1) first = last;
      log(`round ${round}: heap ${mb(held.heapKb)} with ${held.streams} open, ${mb(last.heapKb)} after closing`);
      rows.push({
        measure: `Round ${round}: heap with ${num(flags.streams)} streams open → after closing (open count → 0)`,
        result: `${mb(held.heapKb)} → ${mb(last.heapKb)}`,
        target: '—',
        ratio: `${num((held.heapKb - baseline.heapKb) / flags.streams, 1)} kB heap a stream; RSS ${mb(held.rssKb)} → ${mb(last.rssKb)}`,
        met: '—',
      });
    }
    const growth = last.heapKb - baseline.heapKb;
    const budget = Math.max(2048, baseline.heapKb * 0.1);
    rows.push({
      measure: `Heap after the last round vs before the rounds (${flags.rounds} × ${num(flags.streams)} streams)`,
      result: `${growth >= 0 ? '+' : ''}${mb(growth)}`,
      target: `≤ +${mb(budget)}`,
      ratio: `after round 1: ${growth >= 0 ? '+' : ''}${mb(first.heapKb - baseline.heapKb)}`,
      met: growth <= budget ? 'yes' : 'no',
    });
    server.close();
  } finally {
    await stopChild(web.started);
    db.remove(false);
  }
  writeReport(
    'bench-streams',
    'Event streams: memory returns after they close',
    machine,
    rows,
    [
      'Heap: `process.memoryUsage().heapUsed` in the server after two forced full collections (through the inspector); open count: the stream registry\'s own.',
      'RSS is the whole `next start` process; V8 and the allocator keep some freed pages, so it is shown but not judged.',
    ],
    `Took ${num((Date.now() - began) / 1000)} s.`,
  );
});
