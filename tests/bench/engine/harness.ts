/** What every part of the engine benchmark shares: paths, logging, child processes, reading the target. */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, type Started } from '../lib/proc';
import type { Row } from '../lib/table';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const OUTPUT = path.join(ROOT, 'tests', 'output');
export const TSX_BIN = path.join(ROOT, 'node_modules', '.bin', 'tsx');
export const CHECK_LAUNCHER = path.join(ROOT, 'lib', 'cli', 'check.mjs');

/** True when an executable of this name is on PATH (python3 for the CLI baseline, chrt for the readers). */
export function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, name)));
}

export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
export const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, msToWait)));

/** Waits until the epoch time `at`, logging progress every 10 s. */
export async function waitUntil(at: number, label: string, from: number): Promise<void> {
  let nextLog = Date.now() + 10000;
  while (Date.now() < at) {
    await sleep(Math.min(at - Date.now(), 1000));
    if (Date.now() >= nextLog && Date.now() < at) {
      log(`${label}: ${Math.round((Date.now() - from) / 1000)} / ${Math.round((at - from) / 1000)} s`);
      nextLog += 10000;
    }
  }
}

export const children = new Set<Started>();

export async function start(command: string, args: readonly string[], label: string, env?: NodeJS.ProcessEnv) {
  const started = await startProcess(command, args, {
    cwd: ROOT,
    env: env ?? process.env,
    ready: label === 'monitor' ? /checker running/ : /^listening (\d+)/,
    label,
    timeoutMs: 60000,
  });
  children.add(started);
  void started.exited.then(() => children.delete(started));
  return started;
}

export function getJson<T>(port: number, urlPath: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as T);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`GET ${urlPath} timed out`)));
  });
}

export interface TargetStats {
  requests: number;
  delayed: number;
  overshootMs: { p50: number; p95: number; p99: number; max: number };
}

/** This process's CPU seconds (all threads). */
export const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export interface LoadResult {
  rows: Row[];
  notes: string[];
  /** Where the monitor's time went, when profiled. */
  profile?: string;
}
