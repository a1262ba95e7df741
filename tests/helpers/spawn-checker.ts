import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestContext } from 'node:test';
import { eventually } from './eventually';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface SpawnedChecker {
  pid: number | undefined;
  /** Settles when the process exits: its code (null when a signal ended it) and when, on performance.now(). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /**
   * Resolves once it says `checker running`; throws if it exits first or takes longer than `timeoutMs` (60 s by
   * default: starting Node and compiling TypeScript on a loaded machine is slow, and not what a test measures).
   */
  running(timeoutMs?: number): Promise<void>;
}

/**
 * The checker as its own process (`npm run monitor`, lib/cli/monitor.ts) on the database file `dbPath`, polling
 * for site changes every 100 ms. When the test ends it is asked to stop (SIGTERM) and killed if it has not exited
 * within 5 s; only this process, by its pid.
 */
export function spawnChecker(t: TestContext, dbPath: string, env: Record<string, string> = {}): SpawnedChecker {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/monitor.ts')], {
    cwd: root,
    env: { ...process.env, UPBEAT_DB: dbPath, UPBEAT_SYNC_MS: '100', UPBEAT_MONITOR: 'on', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const isAlive = () => child.exitCode === null && child.signalCode === null;
  t.after(async () => {
    if (!isAlive()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => isAlive() && child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  return {
    pid: child.pid,
    exited,
    output: () => out,
    kill: (signal) => child.kill(signal),
    running: async (timeoutMs = 60_000) => {
      await eventually(
        'the checker to start',
        () => {
          if (!isAlive()) throw new Error(`the checker exited with ${child.exitCode ?? child.signalCode}:\n${out}`);
          return out.includes('checker running');
        },
        timeoutMs,
        50,
      );
    },
  };
}
