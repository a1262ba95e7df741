/**
 * A local target for the benchmark: many virtual sites with known latencies, in a process of its own so its CPU
 * does not count against the monitor's.
 *
 *   GET /s/<n>          waits site n's injected delay (20-300 ms, `delayOf(n)`), then answers 200 with a small body
 *   GET /s/<n>?d=<ms>   waits <ms> instead
 *   GET /__stats        how late its own timers fired (overshoot percentiles, ms) and requests served, as JSON;
 *                       `?reset=1` starts a fresh count
 *
 * Answers keep the connection open, as most servers do, so the checker closes it (its probe uses a fresh
 * connection per check) and the TIME_WAIT state of thousands of short connections a second sits in the client's
 * ephemeral port range. `--close` sends `Connection: close` and closes first instead, which moves TIME_WAIT to
 * the server's side of loopback. `--workers <n>` shares the port between n processes (kernel-balanced accepts)
 * when one core cannot keep up.
 *
 * Prints `listening <port>` on stdout when ready.
 * Usage: tsx tests/bench/target-server.ts [--port 0] [--workers 1] [--close]
 */
import cluster from 'node:cluster';
import http from 'node:http';
import { delayOf } from './lib/delays';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const PORT = Number(flag('--port', '0'));
const WORKERS = Math.max(1, Number(flag('--workers', '1')));
const IS_CLOSING = args.includes('--close');
const BODY = Buffer.from('ok\n');
const MAX_DELAY_MS = 60000;

/** Timer overshoot in 0.05 ms buckets up to 200 ms (beyond that, the last bucket): flat memory, mergeable. */
const BUCKET_MS = 0.05;
const BUCKETS = 4000;

interface StatsPayload {
  requests: number;
  buckets: number[];
  maxMs: number;
}

function newStats(): StatsPayload {
  return { requests: 0, buckets: new Array<number>(BUCKETS).fill(0), maxMs: 0 };
}

function mergeStats(all: readonly StatsPayload[]): StatsPayload {
  const out = newStats();
  for (const s of all) {
    out.requests += s.requests;
    out.maxMs = Math.max(out.maxMs, s.maxMs);
    for (let i = 0; i < BUCKETS; i++) out.buckets[i]! += s.buckets[i] ?? 0;
  }
  return out;
}

function describeStats(s: StatsPayload) {
  const total = s.buckets.reduce((a, b) => a + b, 0);
  const at = (p: number) => {
    if (total === 0) return 0;
    const rank = Math.ceil((p / 100) * total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += s.buckets[i] ?? 0;
      if (seen >= rank) return Math.round(Math.min((i + 1) * BUCKET_MS, s.maxMs) * 100) / 100;
    }
    return s.maxMs;
  };
  return {
    requests: s.requests,
    delayed: total,
    overshootMs: { p50: at(50), p95: at(95), p99: at(99), max: Math.round(s.maxMs * 100) / 100 },
    workers: WORKERS,
  };
}

type Message =
  | { type: 'stats'; id: number; reset: boolean }
  | { type: 'stats-reply'; id: number; stats: StatsPayload };

/**
 * What each answer actually waited, by site: [arrived at (epoch ms), waited µs]. The injected delay is the wait
 * the server really made, its own timer's lateness included; the benchmark compares the probe with that. One
 * process only (with --workers each worker keeps its own and /__waits answers with none). Bounded.
 */
const MAX_WAITS = 2_000_000;
let waits: Array<[number, number, number]> = [];

function runServer(): void {
  let stats = newStats();

  const collect = (reset: boolean): Promise<StatsPayload> => {
    if (!cluster.isWorker) {
      const mine = stats;
      if (reset) stats = newStats();
      return Promise.resolve(mine);
    }
    // Ask the primary, which gathers every worker's count.
    const id = Math.random();
    return new Promise((resolve) => {
      const onMessage = (m: Message) => {
        if (m.type !== 'stats-reply' || m.id !== id) return;
        process.off('message', onMessage);
        resolve(m.stats);
      };
      process.on('message', onMessage);
      process.send?.({ type: 'stats', id, reset } satisfies Message);
    });
  };

  if (cluster.isWorker) {
    process.on('message', (m: Message) => {
      if (m.type !== 'stats') return;
      const mine = stats;
      if (m.reset) stats = newStats();
      process.send?.({ type: 'stats-reply', id: m.id, stats: mine } satisfies Message);
    });
  }

  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'text/plain',
    'content-length': BODY.length,
    ...(IS_CLOSING ? { connection: 'close' } : {}),
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const site = /^\/s\/(\d+)(?:\?d=(\d+))?/.exec(url);
    if (site) {
      stats.requests++;
      const delay = Math.min(MAX_DELAY_MS, site[2] === undefined ? delayOf(Number(site[1])) : Number(site[2]));
      const begun = performance.now();
      const arrivedAt = Date.now();
      setTimeout(() => {
        const waited = performance.now() - begun;
        const over = waited - delay;
        if (WORKERS === 1 && waits.length < MAX_WAITS) waits.push([Number(site[1]), arrivedAt, Math.round(waited * 1000)]);
        stats.buckets[Math.min(BUCKETS - 1, Math.max(0, Math.floor(over / BUCKET_MS)))]!++;
        if (over > stats.maxMs) stats.maxMs = over;
        res.writeHead(200, { ...headers, 'x-waited-us': Math.round(waited * 1000) });
        res.end(BODY);
      }, delay);
      return;
    }
    if (url.startsWith('/__waits')) {
      // Hands over what was kept and forgets it.
      const out = waits;
      waits = [];
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(out));
      return;
    }
    if (url.startsWith('/__stats')) {
      void collect(url.includes('reset=1')).then((s) => {
        res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify(describeStats(s)));
      });
      return;
    }
    res.writeHead(404, headers);
    res.end(BODY);
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  server.listen({ host: '127.0.0.1', port: PORT, backlog: 4096 }, () => {
    const address = server.address();
    if (!cluster.isWorker && address && typeof address === 'object') console.log(`listening ${address.port}`);
  });
  const close = () => server.close(() => process.exit(0));
  process.on('SIGTERM', close);
  process.on('SIGINT', close);
}

function runPrimary(): void {
  // Each worker accepts from the shared socket itself; the default round-robin would make this process hand
  // over every connection and become the bottleneck.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const workers = Array.from({ length: WORKERS }, () => cluster.fork());
  let listening = 0;
  let reported = false;
  cluster.on('listening', (_worker, address) => {
    if (++listening === WORKERS && !reported) {
      reported = true;
      console.log(`listening ${address.port}`);
    }
  });
  cluster.on('exit', (_worker, code) => {
    if (!stopping) {
      console.error(`target-server: a worker exited (${code})`);
      process.exit(1);
    }
  });
  for (const worker of workers) {
    worker.on('message', (m: Message) => {
      if (m.type !== 'stats') return;
      const replies: StatsPayload[] = [];
      for (const w of workers) {
        const onReply = (r: Message) => {
          if (r.type !== 'stats-reply' || r.id !== m.id) return;
          w.off('message', onReply);
          replies.push(r.stats);
          if (replies.length === workers.length) {
            worker.send({ type: 'stats-reply', id: m.id, stats: mergeStats(replies) } satisfies Message);
          }
        };
        w.on('message', onReply);
        w.send({ type: 'stats', id: m.id, reset: m.reset } satisfies Message);
      }
    });
  }
  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const w of workers) w.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (WORKERS > 1 && cluster.isPrimary) runPrimary();
else runServer();
