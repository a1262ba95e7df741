import http from 'node:http';
import type net from 'node:net';
import type { TestContext } from 'node:test';

/** One request as the receiver saw it. */
export interface ReceivedHook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The parsed JSON body (null when it was not JSON). */
  json: Record<string, unknown> | null;
}

/** What to answer: a status (and headers), or `hang` to never answer. */
export type HookAnswer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedHook[];
  /** Decides the answer to the n-th request (0-based). Default: 200. */
  answer: (n: number, hook: ReceivedHook) => HookAnswer;
  /** Resolves once `count` requests have arrived (counting from the start). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1, port 0, closed when the test ends. */
export async function startReceiver(t: TestContext | null, path = '/hook'): Promise<WebhookReceiver> {
  const sockets = new Set<net.Socket>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    received: [],
    answer: () => ({ status: 200 }),
    waitFor(count, timeoutMs = 30_000) {
      if (receiver.received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver got ${receiver.received.length} of ${count} requests`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        json = null;
      }
      const hook: ReceivedHook = { path: req.url ?? '', headers: req.headers, body, json };
      const n = receiver.received.length;
      receiver.received.push(hook);
      for (const w of waiters.filter((w) => receiver.received.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const answer = receiver.answer(n, hook);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? (answer.status < 300 ? 'ok' : 'failing'));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as net.AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}${path}`;
  t?.after(() => receiver.close());
  return receiver;
}

/** Polls `condition` until it holds (for state kept in a database another party writes). */
export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
