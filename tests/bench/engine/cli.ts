/** Part `cli`: the one-shot CLI over a URL list, beside the classic Python thread pool. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sitePath } from '../lib/delays';
import { num, type Row } from '../lib/table';
import type { Flags } from './flags';
import { CHECK_LAUNCHER, log, onPath, ROOT, TSX_BIN, type LoadResult } from './harness';

export interface Timed {
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export function timedRun(command: string, args: readonly string[], timeoutMs = 120000): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const begun = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ wallMs: performance.now() - begun, code, stdout, stderr });
    });
  });
}


export async function runCli(flags: Flags, targetPort: number): Promise<LoadResult> {
  const delayMs = 100;
  const concurrency = 100;
  const ideal = (flags.urls * delayMs) / concurrency / 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upbeat-bench-cli-'));
  const list = path.join(dir, 'urls.txt');
  const out = path.join(dir, 'results.json');
  const notes: string[] = [];
  try {
    const urls = Array.from({ length: flags.urls }, (_, i) => `http://127.0.0.1:${targetPort}${sitePath(i + 1, delayMs)}`);
    fs.writeFileSync(list, urls.join('\n') + '\n');

    // The first run after a change builds the bundle; the figures are for a built one, as a user sees it (and
    // tsx's start-up beside it, the way the checker started before it had a bundle).
    log('cli: building the bundle, then timing startup (--help) and the run');
    await timedRun(process.execPath, [CHECK_LAUNCHER, '--help']);
    const startup = await timedRun(process.execPath, [CHECK_LAUNCHER, '--help']);
    await timedRun(TSX_BIN, ['lib/cli/check-entry.ts', '--help']);
    const tsxStartup = await timedRun(TSX_BIN, ['lib/cli/check-entry.ts', '--help']);
    const run = await timedRun(process.execPath, [
      CHECK_LAUNCHER, list, '--concurrency', String(concurrency), '--format', 'json', '--output', out,
    ]);
    const bare = await timedRun(process.execPath, [path.join(ROOT, 'tests', 'bench', 'engine', 'bare-client.mjs'), list, String(concurrency)]);
    const bareChecks = Number(bare.stdout.trim());
    let inside = NaN;
    let up = NaN;
    if (fs.existsSync(out)) {
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { summary: { elapsedMs: number; up: number } };
      inside = report.summary.elapsedMs;
      up = report.summary.up;
    }
    if (run.code !== 0) notes.push(`cli: exited with ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
    const wall = run.wallMs / 1000;
    const rows: Row[] = [
      {
        measure: `CLI, ${num(flags.urls)} URLs × ${delayMs} ms, concurrency ${concurrency}: whole process`,
        result: `${num(wall, 2)} s`,
        target: `≤ ${num(ideal * 1.3, 2)} s`,
        ratio: `${num(wall / ideal, 2)}× ideal ${num(ideal, 1)} s`,
        met: wall <= ideal * 1.3 && up === flags.urls ? 'yes' : 'no',
      },
      {
        measure: '  of which the checks (summary.elapsedMs)',
        result: `${num(inside / 1000, 2)} s`,
        target: `≤ ${num(ideal * 1.3, 2)} s`,
        ratio: `${num(inside / 1000 / ideal, 2)}× ideal`,
        met: inside / 1000 <= ideal * 1.3 ? 'yes' : 'no',
      },
      {
        measure: '  floor: a bare socket client, same list and concurrency: whole process / its checks',
        result: `${num(bare.wallMs / 1000, 2)} s / ${num(bareChecks, 2)} s`,
        target: '—',
        ratio: `the CLI ${num(wall / (bare.wallMs / 1000), 2)}× the floor (${num(wall - bare.wallMs / 1000, 2)} s more)`,
        met: '—',
      },
      {
        measure: '  startup alone (`node lib/cli/check.mjs --help`, from the bundle)',
        result: `${num(startup.wallMs / 1000, 2)} s`,
        target: '—',
        ratio: `tsx lib/cli/check-entry.ts --help: ${num(tsxStartup.wallMs / 1000, 2)} s`,
        met: '—',
      },
    ];
    notes.push(
      `cli: \`node lib/cli/check.mjs <list> --concurrency ${concurrency} --format json --output <file>\` (what ` +
        `\`npm run check --\` runs, without npm's own start-up); ${num(up)} of ${num(flags.urls)} up.`,
    );

    if (onPath('python3')) {
      log('cli: the Python baseline (ThreadPoolExecutor(20) + urlopen)');
      const py = await timedRun('python3', [path.join('tests', 'bench', 'baseline_check.py'), list]);
      const parsed = JSON.parse(py.stdout.trim().split('\n').pop() ?? '{}') as { wall_s?: number; ok?: number };
      const pyWall = py.wallMs / 1000;
      rows.push({
        measure: 'Baseline: Python ThreadPoolExecutor(20) + urlopen, same list: whole process',
        result: `${num(pyWall, 2)} s`,
        target: '—',
        ratio: pyWall >= wall ? `Upbeat CLI ${num(pyWall / wall, 1)}× faster` : `Upbeat CLI ${num(wall / pyWall, 1)}× slower`,
        met: '—',
      });
      notes.push(
        `cli: baseline inside its own timer ${num(parsed.wall_s ?? NaN, 2)} s, ${num(parsed.ok ?? NaN)} ok; its ` +
          `ideal at 20 workers is ${num((flags.urls * delayMs) / 20 / 1000, 1)} s.`,
      );
    } else {
      notes.push('cli: no python3 on PATH, baseline skipped.');
    }
    return { rows, notes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
