import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestContext } from 'node:test';
import { startNeverAnswers } from '../fixtures/hostile';
import { freePort, startApp } from '../helpers/app-server';
import { tempDir } from '../helpers/temp-store';

/**
 * The web server (`next start` as `npm start` runs it: NEXT_MANUAL_SIG_HANDLE=1, the checker inside) ends
 * cleanly on SIGTERM within the longest check timeout, and refuses to start, with a message and a non-zero exit,
 * where it cannot work.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
/** Started with it and sent on every request, so these tests hold whether or not the API asks for credentials. */
const TOKEN = 'upbeat-reliability-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
/** What a loaded two-core machine may add to a deadline (a late timer, the final write, process exit). */
const SLACK_MS = 500;

function exitOf(proc: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: string | null; at: number }> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      resolve({ code: proc.exitCode, signal: proc.signalCode, at: performance.now() });
      return;
    }
    proc.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
}

test('SIGTERM with a check hanging (timeout 2 s): exit 0 within the timeout', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_API_TOKEN: TOKEN } });
  const hanging = await startNeverAnswers(t);
  const res = await fetch(`${app.baseUrl}/api/sites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ url: `${hanging.url}/`, timeoutMs: 2000, intervalSeconds: 300 }),
  });
  assert.equal(res.status, 201);
  const deadline = Date.now() + 5000;
  while (hanging.accepted === 0) {
    assert.ok(Date.now() < deadline, 'the check never reached the hanging site');
    await new Promise((r) => setTimeout(r, 20));
  }
  const exited = exitOf(app.proc);
  const sentAt = performance.now();
  app.proc.kill('SIGTERM');
  const { code, at } = await exited;
  t.diagnostic(`exited ${Math.round(at - sentAt)} ms after SIGTERM`);
  assert.equal(code, 0, app.output());
  assert.ok(at - sentAt <= 2000 + SLACK_MS, `took ${Math.round(at - sentAt)} ms after SIGTERM (timeout 2000 ms)`);
  assert.match(app.output(), /SIGTERM: stopping, waiting for 1 checks in flight/);
});

test('SIGTERM with nothing in flight: exit 0 at once', async (t) => {
  const app = await startApp(t, { env: { UPBEAT_API_TOKEN: TOKEN } });
  const exited = exitOf(app.proc);
  const sentAt = performance.now();
  app.proc.kill('SIGTERM');
  const { code, at } = await exited;
  assert.equal(code, 0, app.output());
  assert.ok(at - sentAt < 1000, `took ${Math.round(at - sentAt)} ms`);
});

test(
  'SIGTERM with the checker off (UPBEAT_MONITOR=off): exit 0 at once',
  async (t) => {
    const app = await startApp(t, { env: { UPBEAT_MONITOR: 'off', UPBEAT_API_TOKEN: TOKEN } });
    const exited = exitOf(app.proc);
    const sentAt = performance.now();
    app.proc.kill('SIGTERM');
    const { code, signal, at } = await exited;
    assert.ok(at - sentAt < 1000, `took ${Math.round(at - sentAt)} ms`);
    assert.equal(code, 0, `exit ${code} (signal ${signal})`);
  },
);

function spawnNext(t: TestContext, port: number, env: Record<string, string>) {
  const proc = spawn(
    process.execPath,
    [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_MANUAL_SIG_HANDLE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  t.after(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return { proc, output: () => out };
}

/** The process's exit within `ms`, or null when it is still running then (it is then killed). */
async function exitWithin(proc: ReturnType<typeof spawn>, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const result = await Promise.race([exitOf(proc), timeout]);
  clearTimeout(timer);
  if (result === null) proc.kill('SIGKILL');
  return result;
}

test('a port already in use: a non-zero exit and a message naming the port', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const { port } = blocker.address() as net.AddressInfo;
  const dbPath = path.join(tempDir(t), 'upbeat.db');
  const next = spawnNext(t, port, { UPBEAT_DB: dbPath });
  const result = await exitWithin(next.proc, 30_000);
  assert.ok(result !== null, `still running 30 s after start:\n${next.output()}`);
  assert.notEqual(result.code, 0, next.output());
  assert.match(next.output(), new RegExp(`EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}`));
});

test(
  'a database path under a regular file: a clear message and a non-zero exit',
  async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'file'), '');
    const next = spawnNext(t, await freePort(), { UPBEAT_DB: path.join(dir, 'file', 'upbeat.db') });
    const result = await exitWithin(next.proc, 10_000);
    assert.ok(result !== null, `still running 10 s after start:\n${next.output()}`);
    assert.notEqual(result.code, 0);
    assert.match(next.output(), /^upbeat: Cannot create the folder for the database .*file\/upbeat\.db/m);
  },
);
