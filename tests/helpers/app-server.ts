import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { tempDir } from './temp-store';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The owner's password and an API token every test app starts with (unless `noAuth`). */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface RunningApp {
  baseUrl: string;
  dbPath: string;
  /** `Authorization: Bearer <UPBEAT_API_TOKEN>` for API calls; empty with `noAuth`. */
  authHeaders: Record<string, string>;
  /** Logs a browser context in through the API, as the owner (the session cookie lands in the context). */
  login(context: BrowserContext): Promise<void>;
  proc: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number | null>;
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The web server `npm start` runs (lib/server/main.ts, prebuilt by tests/run.mjs through ensure-build). */
export const APP_SERVER = path.join(root, 'dist', 'server', 'main.mjs');

/** What `npm start` sets for the server. */
export function appServerEnv(): Record<string, string> {
  return { NEXT_TELEMETRY_DISABLED: '1', NEXT_MANUAL_SIG_HANDLE: '1' };
}

/**
 * Starts the built app (`npm start`'s server) on a free port with a fresh temporary database, and stops it when the test
 * ends. The build itself is made once by tests/run.mjs before the e2e files run.
 */
export async function startApp(
  t: TestContext | null,
  options: {
    env?: Record<string, string>;
    dbPath?: string;
    /** A given port, e.g. to restart on the same origin a browser page is open on; default a free one. */
    port?: number;
    /** Start with no account and no API token: the first-run experience. */
    noAuth?: boolean;
  } = {},
): Promise<RunningApp> {
  // Without a test context (suite-level hooks), the caller stops the app; the temp folder goes with it.
  const ownDir = t ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-app-'));
  const dbPath = options.dbPath ?? path.join(ownDir ?? tempDir(t!, 'upbeat-app-'), 'upbeat.db');
  const port = options.port ?? (await freePort());
  const token = `upb_test_${crypto.randomBytes(16).toString('hex')}`;
  const auth: Record<string, string> = options.noAuth
    ? {}
    : { UPBEAT_ADMIN_PASSWORD: TEST_PASSWORD, UPBEAT_API_TOKEN: token };
  const proc = spawn(
    process.execPath,
    [APP_SERVER, '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: root,
      env: {
        ...process.env,
        ...appServerEnv(),
        UPBEAT_DB: dbPath,
        UPBEAT_SYNC_MS: '100',
        ...auth,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
    return code;
  };
  t?.after(stop);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the app server exited with ${proc.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${baseUrl}/api/sites`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the app server did not answer within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const login = async (context: BrowserContext) => {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login failed with ${res.status}: ${await res.text()}`);
    const value = /upbeat_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    if (!value) throw new Error('login set no session cookie');
    await context.addCookies([{ name: 'upbeat_session', value, url: baseUrl, httpOnly: true, sameSite: 'Lax' }]);
  };
  const apiToken = options.env?.UPBEAT_API_TOKEN ?? (options.noAuth ? undefined : token);
  const authHeaders: Record<string, string> = apiToken ? { authorization: `Bearer ${apiToken}` } : {};
  return { baseUrl, dbPath, proc, output: () => out, stop, authHeaders, login };
}
